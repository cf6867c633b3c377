from .applications import (
    FUNDED_STATUSES,
    Application,
    ApplicationStatus,
    Attachment,
    ContactPerson,
    RequestedAmount,
    StatusChange,
    StatusNote,
    SuccessCriterion,
)
from .decisions import Allocation, CarryOver, Decision, DecisionOutcome, GrantCondition
from .pools import Applicants, Pool, PoolStatus, ReservedLine
from .reports import CriterionResult, Report, ReportKind, ReportStatus, SpentAmount
from .review import (
    ConflictOfInterest,
    ProposedAmount,
    Recommendation,
    RecommendedAmount,
    Review,
)
from .schemes import Scheme

__all__ = [
    "FUNDED_STATUSES",
    "Allocation",
    "Applicants",
    "Application",
    "ApplicationStatus",
    "Attachment",
    "CarryOver",
    "ConflictOfInterest",
    "ContactPerson",
    "CriterionResult",
    "Decision",
    "DecisionOutcome",
    "GrantCondition",
    "Pool",
    "PoolStatus",
    "ProposedAmount",
    "Recommendation",
    "RecommendedAmount",
    "Report",
    "ReportKind",
    "ReportStatus",
    "RequestedAmount",
    "ReservedLine",
    "Review",
    "Scheme",
    "SpentAmount",
    "StatusChange",
    "StatusNote",
    "SuccessCriterion",
]
