"""Results across projects: promised versus achieved, spent versus granted, reports due.

What politicians ask for when deciding whether to continue a project ("forankring")."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from grants.models import (
    FUNDED_STATUSES,
    Allocation,
    Application,
    CriterionResult,
    Report,
    ReportStatus,
    RequestedAmount,
    SpentAmount,
    SuccessCriterion,
)
from portal.money import ZERO


@dataclass
class CriterionLine:
    criterion: SuccessCriterion
    result: CriterionResult | None


@dataclass
class ProjectResults:
    application: Application
    granted: Decimal
    spent: Decimal | None
    above_grant: Decimal = ZERO  # spent above the grant per year (with carry-over)
    criteria: list[CriterionLine] = field(default_factory=list)
    open_reports: list[Report] = field(default_factory=list)

    @property
    def overdue_reports(self) -> list[Report]:
        today = timezone.localdate()
        return [
            r
            for r in self.open_reports
            if r.due_date < today and r.status != ReportStatus.SUBMITTED
        ]


def project_results(applications: QuerySet[Application]) -> list[ProjectResults]:
    """One entry per funded project; a fixed number of queries whatever the count."""
    projects = (
        applications.filter(status__in=FUNDED_STATUSES)
        .select_related("pool", "committee")
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("pool")),
            # With the allocations, what the status ("Delvis bevilget") is told by.
            Prefetch("requested_amounts", queryset=RequestedAmount.objects.order_by("year")),
            "success_criteria",
            Prefetch(
                "reports",
                queryset=Report.objects.prefetch_related(
                    "results",
                    Prefetch("spent_amounts", queryset=SpentAmount.objects.order_by("year")),
                ).order_by("due_date"),
            ),
        )
        .order_by("-pool__year", "title")
    )
    from grants.services.spending import granted_by_year

    projects = list(projects)
    granted = granted_by_year(a.pk for a in projects)
    entries = []
    for application in projects:
        accepted = sorted(
            (r for r in application.reports.all() if r.status == ReportStatus.ACCEPTED),
            key=lambda r: r.accepted_at,
            reverse=True,
        )
        newest_result = {}
        spent_by_year = {}
        for report in accepted:
            for result in report.results.all():
                newest_result.setdefault(result.criterion_id, result)
            for row in report.spent_amounts.all():
                spent_by_year.setdefault(row.year, row.amount)
        entries.append(
            ProjectResults(
                application=application,
                granted=sum((a.amount for a in application.allocations.all()), ZERO),
                spent=sum(spent_by_year.values(), ZERO) if spent_by_year else None,
                above_grant=sum(
                    (
                        max(amount - granted[application.pk].get(year, ZERO), ZERO)
                        for year, amount in spent_by_year.items()
                    ),
                    ZERO,
                ),
                criteria=[
                    CriterionLine(c, newest_result.get(c.pk))
                    for c in application.success_criteria.all()
                ],
                open_reports=[
                    r for r in application.reports.all() if r.status != ReportStatus.ACCEPTED
                ],
            )
        )
    return entries
