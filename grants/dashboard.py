"""What the caseworker's dashboard (Mine ansøgninger) reads: the department's or association's
current applications and what waits for the caseworker, through prepared queries (the
access rules' scope and the day as parameters; portal.prepared_queries, issue #17)."""

import datetime

from django.utils import timezone

from grants.access import (
    SCOPE_KINDS,
    applicant_scope,
    applications_in,
    open_pools_in,
)
from grants.case_selectors import applicant_tasks
from grants.caseworker_lists import archived, archived_before, not_archived, row_parts, row_queryset
from grants.models import ApplicationStatus, PoolStatus, Report, ReportStatus
from grants.services.reports import sendable_now
from portal.prepared_queries import FIXED, PreparedQuery

# A draft whose pool closes within this is among "Venter på dig".
DRAFT_DEADLINE_WARNING = datetime.timedelta(days=14)

ROWS = PreparedQuery(
    lambda before, **scope: row_queryset(not_archived(applications_in(scope), before)),
    before=int,
    **SCOPE_KINDS,
)

# Only what can be sent now: an evaluation that opens next year is not yet waiting.
REPORTS_DUE = PreparedQuery(
    lambda this_year, **scope: (
        sendable_now(
            Report.objects.filter(
                application__in=applications_in(scope),
                status__in=[ReportStatus.REQUESTED, ReportStatus.RETURNED],
            ),
            this_year,
        )
        .select_related("application")
        .only("kind", "status", "due_date", "application__title")
        .order_by("due_date")
    ),
    this_year=int,
    **SCOPE_KINDS,
)

# Not one whose deadline has just passed: the schedule closes it within a minute, and
# meanwhile it is no more to be applied to (fresh eyes round 18).
OPEN_POOLS = PreparedQuery(
    lambda municipality_id, organisations, now: (
        open_pools_in(municipality_id, organisations=organisations)
        .exclude(application_deadline__lte=now)
        .order_by("application_deadline")
    ),
    municipality_id=int,
    organisations=FIXED,
    now=datetime.datetime,
)


def dashboard_parts(user) -> dict:
    """The dashboard's context (grants/caseworker/dashboard.html)."""
    scope = applicant_scope(user) or {}
    now = timezone.now()
    before = archived_before()
    applications = row_parts(list(ROWS(before=before, **scope)) if scope else [], user)
    pools = list(
        OPEN_POOLS(
            municipality_id=user.municipality_id,
            organisations=user.is_organisation_person,
            now=now,
        )
    )
    soon = now + DRAFT_DEADLINE_WARNING
    return {
        "applications": applications,
        "archived_count": archived(applications_in(scope), before).count(),
        "archived_before": before,
        "returned": [a for a in applications if a.status == ApplicationStatus.RETURNED],
        # Drafts whose pool closes within two weeks, as the reminder mails (fresh eyes
        # round 13: a draft due in three days was not among "Venter på dig").
        "drafts_due": sorted(
            (
                a
                for a in applications
                if a.status == ApplicationStatus.DRAFT
                and a.pool.status == PoolStatus.OPEN
                and a.pool.application_deadline
                and now < a.pool.application_deadline <= soon
            ),
            key=lambda a: a.pool.application_deadline,
        ),
        "tasks": applicant_tasks(user),
        "reports_due": list(REPORTS_DUE(this_year=timezone.localdate().year, **scope))
        if scope
        else [],
        "open_pools": pools,
        "next_deadline": next(
            (p.application_deadline for p in pools if p.application_deadline), None
        ),
        "today": timezone.localdate(),
    }
