from .applications import (
    ENDED_STATUSES,
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
from .letters import ImmutableLetterError, Letter, LetterKind
from .messages import CaseMessage, CaseReadMark, InformationRequest, MessageAttachment, Side
from .pools import Applicants, Pool, PoolStatus, ReservedLine
from .reports import (
    CriterionResult,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
    SpentAmount,
)
from .review import (
    ConflictOfInterest,
    ProposedAmount,
    Recommendation,
    RecommendedAmount,
    Review,
)
from .schemes import Scheme
from .search import CatalogueCount, SearchWord

__all__ = [
    "ENDED_STATUSES",
    "FUNDED_STATUSES",
    "SearchWord",
    "CatalogueCount",
    "Allocation",
    "Applicants",
    "Application",
    "ApplicationStatus",
    "Attachment",
    "CaseMessage",
    "CaseReadMark",
    "CarryOver",
    "ConflictOfInterest",
    "ContactPerson",
    "CriterionResult",
    "Decision",
    "DecisionOutcome",
    "GrantCondition",
    "ImmutableLetterError",
    "InformationRequest",
    "Letter",
    "LetterKind",
    "MessageAttachment",
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
    "Side",
    "ReportAttachment",
    "SpentAmount",
    "StatusChange",
    "StatusNote",
    "SuccessCriterion",
]
