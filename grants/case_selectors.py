"""Reads for the case: its messages, open requests for information and letters."""

from django.db.models import QuerySet

from .models import (
    Application,
    ApplicationStatus,
    CaseMessage,
    Decision,
    GrantCondition,
    InformationRequest,
    Letter,
)


def case_thread(application: Application) -> QuerySet[CaseMessage]:
    """The messages of the case, oldest first, with what the page shows."""
    return application.case_messages.select_related(
        "author", "information_request"
    ).prefetch_related("attachments")


def open_requests(applications: QuerySet[Application]) -> QuerySet[InformationRequest]:
    """Unanswered requests for information on these applications, the most urgent first."""
    return (
        InformationRequest.objects.filter(application__in=applications, answered_at__isnull=True)
        .select_related("application")
        .order_by("due_date", "requested_at")
    )


def agreements_to_sign(applications: QuerySet[Application]) -> QuerySet[Decision]:
    """Grants of these applications whose cooperation agreement is not signed yet: the
    applicant's next task after the decision (fresh eyes round 10: it was only a sentence on
    the case page)."""
    return (
        Decision.objects.filter(
            application__in=applications,
            application__status__in=[ApplicationStatus.APPROVED, ApplicationStatus.ACTIVE],
            condition=GrantCondition.COOPERATION_AGREEMENT,
            agreement_signed_on__isnull=True,
        )
        # A grant brought in from before the portal had its agreement made outside it: no
        # agreement to fetch here, so no task (fresh eyes round 13).
        .filter(source="")
        .select_related("application")
        .order_by("recorded_at", "pk")
    )


def case_letters(application: Application) -> list[Letter]:
    """All letters of the case, newest first; `current` marks the newest of each kind (a
    later decision's letters replace earlier ones, which stay in the case)."""
    letters = list(application.letters.order_by("-decision_id", "-kind", "-created_at", "-pk"))
    seen = set()
    for letter in letters:
        letter.current = letter.kind not in seen
        seen.add(letter.kind)
    return letters


def case_summary(application: Application, *, side: str) -> dict:
    """What the application's page shows of the case (grants/case/_case_summary.html)."""
    return {
        "case_requests": list(
            application.information_requests.filter(answered_at__isnull=True).order_by(
                "due_date", "requested_at"
            )
        ),
        "message_count": application.case_messages.count(),
        "letters": case_letters(application),
        "namespace": "sekretariat" if side == "staff" else "mine",
        "side": side,
    }
