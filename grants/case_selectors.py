"""Reads for the case: its messages, open requests for information and letters."""

import datetime
from typing import NamedTuple

from django.db.models import DateTimeField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from portal.prepared_queries import PreparedQuery

from .access import SCOPE_KINDS, applicant_scope, applications_in
from .models import (
    Application,
    ApplicationStatus,
    CaseMessage,
    CaseReadMark,
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


NEVER_READ = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def new_messages_for(side: str, **only):
    """An expression: the application has messages from the other side that `side` has not
    read (sent after its read mark, or any when it has none); `only` narrows which."""
    from .models import Side

    other = Side.APPLICANT if side == Side.STAFF else Side.STAFF
    read_until = CaseReadMark.objects.filter(
        application=OuterRef(OuterRef("pk")), side=side
    ).values("read_at")[:1]
    return Exists(
        CaseMessage.objects.filter(
            application=OuterRef("pk"),
            side=other,
            sent_at__gt=Coalesce(
                Subquery(read_until), Value(NEVER_READ, output_field=DateTimeField())
            ),
            **only,
        )
        # An open request for information is its own task on the list (fresh eyes round 16:
        # one request was listed twice, as a request and as a new message).
        .exclude(information_request__isnull=False, information_request__answered_at__isnull=True)
    )


def thread_with_new(application: Application, side: str) -> list[CaseMessage]:
    """The thread, each message marked `is_new` when it is from the other side and `side`
    has not read it yet."""
    read_until = (
        CaseReadMark.objects.filter(application=application, side=side)
        .values_list("read_at", flat=True)
        .first()
    )
    thread = list(case_thread(application))
    for message in thread:
        message.is_new = message.side != side and (
            read_until is None or message.sent_at > read_until
        )
    return thread


def with_new_messages(
    applications: QuerySet[Application], side: str, *, mark_answers: bool = False
) -> QuerySet[Application]:
    """These applications that have messages new to `side`, the latest message first; with
    `mark_answers`, each says `new_answer` when an answer to a request for information is
    among them (the staff's list says so; the applicant's list does not, and the second
    test was a third of its query; issue #17)."""
    from django.db.models import Max

    found = applications.filter(new_messages_for(side)).annotate(
        last_message_at=Max("case_messages__sent_at")
    )
    if mark_answers:
        found = found.annotate(new_answer=new_messages_for(side, information_request__isnull=False))
    return found.order_by("-last_message_at")


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


class Task(NamedTuple):
    """One line of the applicant's "Venter på dig": the application's title, the address of
    the page where the task is done, and its date (a request's due date, the newest
    message's time) or None."""

    title: str
    link: str
    date: datetime.date | datetime.datetime | None


class ApplicantTasks(NamedTuple):
    agreements: list[Task]  # cooperation agreements to sign, the oldest grant first
    requests: list[Task]  # open requests for information, the most urgent first
    new_messages: list[Task]  # cases with messages not read yet, the newest first


def _task_rows(select, *fields) -> PreparedQuery:
    """`select`'s rows for the applications of an applicant's scope (grants.access)."""
    return PreparedQuery(
        lambda **scope: select(applications_in(scope)).values_list(*fields),
        constant_times=(NEVER_READ,),
        **SCOPE_KINDS,
    )


AGREEMENT_TASKS = _task_rows(agreements_to_sign, "application_id", "application__title")
REQUEST_TASKS = _task_rows(open_requests, "pk", "application__title", "due_date")
MESSAGE_TASKS = _task_rows(
    lambda applications: with_new_messages(applications, "applicant"),
    "pk",
    "title",
    "last_message_at",
)


def applicant_tasks(user) -> ApplicantTasks:
    """What waits for `user` as an applicant (the caseworker's dashboard) from the case: the
    rules of `agreements_to_sign`, `open_requests` and `with_new_messages` for the
    applications of `applicant_scope`, read as plain values through prepared queries, with
    each page's address made once for the list, not as models with their related application
    and a reverse() per line (issue #17: 28 agreements were 56 model objects)."""
    from portal.site import id_address_pattern

    scope = applicant_scope(user)
    if scope is None:
        return ApplicantTasks([], [], [])
    detail = id_address_pattern("mine:detail") + "#decision-heading"
    answer = id_address_pattern("mine:answer")
    messages = id_address_pattern("mine:messages") + "#seneste"
    return ApplicantTasks(
        agreements=[
            Task(title, detail.format(application_id), None)
            for application_id, title in AGREEMENT_TASKS(**scope)
        ],
        requests=[
            Task(title, answer.format(pk), due_date)
            for pk, title, due_date in REQUEST_TASKS(**scope)
        ],
        new_messages=[
            Task(title, messages.format(pk), last_message_at)
            for pk, title, last_message_at in MESSAGE_TASKS(**scope)
        ],
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
        "new_messages": Application.objects.filter(pk=application.pk)
        .filter(new_messages_for(side))
        .exists(),
        "letters": case_letters(application),
        "namespace": "sekretariat" if side == "staff" else "mine",
        "side": side,
    }
