"""One place for every rule (grants.rules): every (status, action) pair of the application,
pool and report tables against a matrix written out here (not derived from the tables), the
same refusals through the real services, and recusal: a user who declared a conflict of
interest can use no staff action on the application and sees none of its buttons."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    CarryOver,
    CaseMessage,
    ConflictOfInterest,
    Decision,
    GrantCondition,
    InformationRequest,
    Pool,
    PoolStatus,
    Report,
    ReportKind,
    ReportStatus,
    SpentAmount,
    StatusChange,
)
from grants.rules import APPLICATION_ACTIONS, POOL_ACTIONS, REPORT_ACTIONS, check, may
from grants.services import decisions, drafts, follow_up, reports, review, submission, workflow
from grants.services import messages as case_messages
from grants.services import pools as pool_services
from grants.services.errors import DomainError
from indicators.models import Direction, Indicator, Measurement, Unit
from policies.models import ActionPlan
from portal.models import Role, User
from tests.staff_support import messages_of

A, P, R = ApplicationStatus, PoolStatus, ReportStatus
TODAY = timezone.localdate()

# Which statuses allow each action ("x" allowed, "." refused), one column per action in the
# order of the COLUMNS list above the matrix.
APPLICATION_COLUMNS = [
    "edit",
    "submit",
    "withdraw",
    "delete",
    "start_review",
    "review",
    "return",
    "recommend",
    "reopen_review",
    "decide",
    "declare_conflict",
    "record_agreement",
    "activate",
    "request_report",
    "carry_over",
    "close",
    # Messages in the case: the applicant writes and answers, staff write and ask.
    "write_to_staff",
    "answer_request",
    "write_to_applicant",
    "request_information",
]
APPLICATION_MATRIX = {
    A.DRAFT: "x x x x . . . . . . . . . . . . . . . .",
    A.SUBMITTED: ". . x . x x x . . . x . . . . . x x x x",
    A.IN_REVIEW: ". . x . . x x x . x x . . . . . x x x x",
    A.RETURNED: "x x x . . . . . . . . . . . . . x x x x",
    A.RECOMMENDED: ". . x . . . x . x x x . . . . . x x x x",
    A.APPROVED: ". . . . . . . . . . x x x x . . x x x x",
    A.ACTIVE: ". . . . . . . . . . x x . x x x x x x x",
    A.REJECTED: ". . . . . . . . . . . . . . . . x x x x",
    A.CLOSED: ". . . . . . . . . . . . . . . . x x x x",
    A.WITHDRAWN: ". . . . . . . . . . . . . . . . . . . .",
}
POOL_COLUMNS = ["edit", "open", "close", "apply"]
POOL_MATRIX = {
    P.PLANNED: "x x . .",
    P.OPEN: "x . x x",
    P.CLOSED: "x x . .",
}
REPORT_COLUMNS = ["edit", "submit", "accept", "return"]
REPORT_MATRIX = {
    R.REQUESTED: "x x . .",
    R.SUBMITTED: ". . x x",
    R.RETURNED: "x x . .",
    R.ACCEPTED: ". . . .",
}
# The statuses an application may move to (DESIGN.md, the life of an application).
EXPECTED_TRANSITIONS = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.IN_REVIEW, A.RETURNED, A.WITHDRAWN},
    A.IN_REVIEW: {A.RECOMMENDED, A.RETURNED, A.WITHDRAWN, A.APPROVED, A.REJECTED},
    A.RETURNED: {A.SUBMITTED, A.WITHDRAWN},
    A.RECOMMENDED: {A.APPROVED, A.REJECTED, A.IN_REVIEW, A.RETURNED, A.WITHDRAWN},
    A.APPROVED: {A.ACTIVE},
    A.ACTIVE: {A.CLOSED},
}
CASEWORKER_ACTIONS = {"edit", "submit", "withdraw", "delete", "write_to_staff", "answer_request"}


def pairs(matrix, columns):
    for status, row in matrix.items():
        marks = row.split()
        assert len(marks) == len(columns), status
        for action, mark in zip(columns, marks, strict=True):
            yield status, action, mark == "x"


@pytest.fixture
def other_staff(municipality):
    return User.objects.create_user(
        username="kollega", password="x", role=Role.COMMITTEE_STAFF, municipality=municipality
    )


def test_the_tables_name_the_actions_of_the_matrix():
    assert set(APPLICATION_ACTIONS) == set(APPLICATION_COLUMNS)
    assert set(POOL_ACTIONS) == set(POOL_COLUMNS)
    assert set(REPORT_ACTIONS) == set(REPORT_COLUMNS)
    assert set(APPLICATION_MATRIX) == set(A.values)
    assert set(POOL_MATRIX) == set(P.values)
    assert set(REPORT_MATRIX) == set(R.values)


def test_the_transitions_are_the_documented_ones():
    table = {k: set(v) for k, v in workflow.TRANSITIONS.items() if v}
    assert table == EXPECTED_TRANSITIONS


@pytest.mark.django_db
def test_every_application_status_and_action(make_application, caseworker, staff_user):
    application = make_application()
    for status, action, allowed in pairs(APPLICATION_MATRIX, APPLICATION_COLUMNS):
        application.status = status
        user = caseworker if action in CASEWORKER_ACTIONS else staff_user
        assert may(user, action, application) is allowed, (status, action)


@pytest.mark.django_db
def test_asking_whether_reads_nothing_and_the_refusal_still_says_why(
    make_application, caseworker, staff_user, django_assert_num_queries
):
    """A list's links ask `may` for every row: it must not build the refusal's message, which
    for an approved application reads its amounts to name its status (a query per row)."""
    application = Application.objects.select_related("pool").get(
        pk=make_application(status=A.APPROVED).pk
    )
    with django_assert_num_queries(0):
        assert may(caseworker, "edit", application) is False
        assert may(staff_user, "start_review", application) is False
    with pytest.raises(DomainError, match="»Delvis bevilget«"):  # nothing granted yet
        check(staff_user, "start_review", application)


@pytest.mark.django_db
def test_every_pool_status_and_action(pool, caseworker, staff_user):
    for status, action, allowed in pairs(POOL_MATRIX, POOL_COLUMNS):
        pool.status = status
        user = caseworker if action == "apply" else staff_user
        assert may(user, action, pool) is allowed, (status, action)


@pytest.mark.django_db
def test_every_report_status_and_action(make_application, caseworker, staff_user):
    report = Report.objects.create(
        application=make_application(status=A.ACTIVE), kind=ReportKind.FINAL, due_date=TODAY
    )
    for status, action, allowed in pairs(REPORT_MATRIX, REPORT_COLUMNS):
        report.status = status
        user = caseworker if action in ("edit", "submit") else staff_user
        assert may(user, action, report) is allowed, (status, action)


@pytest.mark.django_db
def test_wrong_role_and_wrong_municipality_are_refused(
    make_application, caseworker, staff_user, municipality
):
    application = make_application(status=A.SUBMITTED)
    assert may(staff_user, "start_review", application)
    assert not may(caseworker, "start_review", application)  # a caseworker does not review
    assert not may(staff_user, "withdraw", application)  # staff do not withdraw for them
    elsewhere = User.objects.create_user(
        username="andet-sekretariat",
        password="x",
        role=Role.COMMITTEE_STAFF,
        municipality=type(municipality).objects.create(name="Andrup", slug="andrup", code="998"),
    )
    assert not may(elsewhere, "start_review", application)
    with pytest.raises(DomainError):
        check(elsewhere, "start_review", application)


# --- The same refusals through the real services -------------------------------------------


def call_application_service(action, application, user):
    pk = application.pk
    calls = {
        "edit": lambda: drafts.do_save_draft(
            application_id=pk,
            actor=user,
            expected_version=application.version,
            content=drafts.DraftContent(),
        ),
        "submit": lambda: submission.do_submit(application_id=pk, actor=user),
        "withdraw": lambda: workflow.do_withdraw(application_id=pk, actor=user),
        "delete": lambda: drafts.do_delete_draft(application_id=pk, actor=user),
        "start_review": lambda: review.do_start_review(application_id=pk, actor=user),
        "review": lambda: review.do_save_review(
            application_id=pk,
            reviewer=user,
            scores={},
            comment="",
            amounts={},
            expected_version=None,
        ),
        "return": lambda: workflow.do_return_for_changes(
            application_id=pk, actor=user, comment="Ret budgettet."
        ),
        "recommend": lambda: review.do_recommend(
            application_id=pk, actor=user, summary="God.", amounts={}
        ),
        "reopen_review": lambda: review.do_reopen_review(application_id=pk, actor=user),
        "decide": lambda: decisions.do_record_decision(
            application_id=pk,
            outcome="rejected",
            actor=user,
            committee=application.committee,
            reasons="Ikke i politikken.",
            appeal_guidance="Klag til Ankestyrelsen.",
        ),
        "declare_conflict": lambda: review.do_declare_conflict(
            application_id=pk, user=user, reason="Min søster leder projektet."
        ),
        "record_agreement": lambda: follow_up.do_record_agreement_signed(
            application_id=pk, actor=user, signed_on=TODAY
        ),
        "activate": lambda: follow_up.do_activate(application_id=pk, actor=user),
        "request_report": lambda: follow_up.do_request_report(
            application_id=pk, actor=user, kind=ReportKind.STATUS, due_date=TODAY
        ),
        "carry_over": lambda: follow_up.do_carry_over(
            application_id=pk, actor=user, from_year=2026, amount=Decimal("1")
        ),
        "close": lambda: follow_up.do_close(application_id=pk, actor=user),
        "write_to_staff": lambda: case_messages.do_send_message(
            application_id=pk, actor=user, text="Et spørgsmål"
        ),
        "write_to_applicant": lambda: case_messages.do_send_message(
            application_id=pk, actor=user, text="Et svar"
        ),
        "request_information": lambda: case_messages.do_request_information(
            application_id=pk, actor=user, question="Hvor mange deltagere?"
        ),
        "answer_request": lambda: case_messages.do_answer_request(
            request_id=open_request(application).pk, actor=user, text="12 deltagere"
        ),
    }
    return calls[action]()


def open_request(application) -> InformationRequest:
    staff = User.objects.filter(role=Role.COMMITTEE_STAFF).first()
    return InformationRequest.objects.create(
        application=application, question="Hvor mange?", requested_by=staff
    )


def snapshot(application) -> tuple:
    return (
        Application.objects.get(pk=application.pk).status,
        Application.objects.get(pk=application.pk).version,
        StatusChange.objects.filter(application=application).count(),
        ConflictOfInterest.objects.filter(application=application).count(),
        Report.objects.filter(application=application).count(),
        Decision.objects.filter(application=application).count(),
        CaseMessage.objects.filter(application=application).count(),
        InformationRequest.objects.filter(
            application=application, answered_at__isnull=False
        ).count(),
    )


REFUSED_APPLICATION_PAIRS = [
    (status, action)
    for status, action, allowed in pairs(APPLICATION_MATRIX, APPLICATION_COLUMNS)
    if not allowed
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), REFUSED_APPLICATION_PAIRS)
def test_services_refuse_what_the_table_refuses(
    status, action, make_application, caseworker, staff_user
):
    application = make_application(status=status)
    user = caseworker if action in CASEWORKER_ACTIONS else staff_user
    before = snapshot(application)
    with pytest.raises(DomainError):
        call_application_service(action, application, user)
    assert snapshot(application) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s, a, allowed in pairs(REPORT_MATRIX, REPORT_COLUMNS) if not allowed],
)
def test_report_services_refuse_what_the_table_refuses(
    status, action, make_application, caseworker, staff_user
):
    report = Report.objects.create(
        application=make_application(status=A.ACTIVE),
        kind=ReportKind.FINAL,
        due_date=TODAY,
        status=status,
    )
    calls = {
        "edit": lambda: reports.do_save_report(
            report_id=report.pk,
            actor=caseworker,
            expected_version=report.version,
            content=reports.ReportContent(summary="Ændret"),
        ),
        "submit": lambda: reports.do_submit_report(report_id=report.pk, actor=caseworker),
        "accept": lambda: follow_up.do_accept_report(report_id=report.pk, actor=staff_user),
        "return": lambda: follow_up.do_return_report(
            report_id=report.pk, actor=staff_user, comment="Ret tallene."
        ),
    }
    with pytest.raises(DomainError):
        calls[action]()
    report.refresh_from_db()
    assert (report.status, report.summary) == (status, "")


@pytest.mark.django_db
def test_a_closed_pool_does_not_go_back_to_planned(make_pool, staff_user):
    pool = make_pool(status=P.CLOSED)
    with pytest.raises(DomainError):
        pool_services.do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=P.PLANNED)
    with pytest.raises(DomainError):
        pool_services.do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=P.CLOSED)
    assert Pool.objects.get(pk=pool.pk).status == P.CLOSED
    pool_services.do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=P.OPEN)
    assert Pool.objects.get(pk=pool.pk).status == P.OPEN
    assert pool.history.order_by("-history_date").first().history_user == staff_user


# --- Recusal: every staff action on an application, through its page ----------------------


def approve(application, staff_user, condition=GrantCondition.NONE):
    decision = Decision.objects.create(
        application=application, outcome="approved", condition=condition, decided_by=staff_user
    )
    return decision


def setup_carry_over(application, staff_user):
    decision = approve(application, staff_user)
    Allocation.objects.create(
        application=application,
        pool=application.pool,
        decision=decision,
        amount=Decimal("100000"),
        created_by=staff_user,
    )
    report = Report.objects.create(
        application=application,
        kind=ReportKind.STATUS,
        due_date=TODAY,
        status=R.ACCEPTED,
        accepted_at=timezone.now(),
    )
    SpentAmount.objects.create(report=report, year=2026, amount=Decimal("60000"))


def submitted_report(application, staff_user):
    Report.objects.create(
        application=application,
        kind=ReportKind.FINAL,
        due_date=TODAY,
        status=R.SUBMITTED,
        submitted_at=timezone.now(),
    )


# url name → (status, extra setup, POST data, what has changed when it worked)
STAFF_ACTIONS = {
    "start-review": (A.SUBMITTED, None, {}),
    "review": (A.SUBMITTED, None, {"comment": "Fin", "version": ""}),
    "return": (A.IN_REVIEW, None, {"comment": "Ret budgettet."}),
    "recommend": (A.IN_REVIEW, None, {"summary": "God indsats.", "amount_2026": "100000"}),
    "reopen-review": (A.RECOMMENDED, None, {}),
    "decide": (
        A.RECOMMENDED,
        None,
        {
            "outcome": "rejected",
            "message": "Afslået.",
            "reasons": "Uden for politikken.",
            "appeal_guidance": "Klag til Ankestyrelsen.",
            "meeting_date": "2026-03-01",
        },
    ),
    "agreement": (
        A.APPROVED,
        lambda app, user: approve(app, user, GrantCondition.COOPERATION_AGREEMENT),
        {"signed_on": TODAY.isoformat()},
    ),
    "activate": (A.APPROVED, approve, {}),
    "request-report": (
        A.ACTIVE,
        approve,
        {"kind": ReportKind.STATUS, "due_date": (TODAY + datetime.timedelta(days=30)).isoformat()},
    ),
    "carry-over": (A.ACTIVE, setup_carry_over, {"from_year": "2026", "amount": "1000"}),
    "close": (A.ACTIVE, approve, {"comment": ""}),
    "report": (A.ACTIVE, submitted_report, {"comment": "Fint.", "accept": "1"}),
}


def state(application) -> tuple:
    application = Application.objects.get(pk=application.pk)
    decision = Decision.objects.filter(application=application).first()
    return (
        application.status,
        application.version,
        StatusChange.objects.filter(application=application).count(),
        application.reviews.count(),
        hasattr(application, "recommendation"),
        decision and (decision.pk, decision.agreement_signed_on),
        sorted(application.reports.values_list("status", flat=True)),
        CarryOver.objects.filter(application=application).count(),
    )


def action_url(name, application):
    if name == "report":
        return reverse("sekretariat:report", args=[application.reports.get(status=R.SUBMITTED).pk])
    return reverse(f"sekretariat:{name}", args=[application.pk])


@pytest.fixture
def staff_case(make_application, pools, committee, staff_user):
    def make(name):
        status, setup, data = STAFF_ACTIONS[name]
        application = make_application(status=status)
        if setup:
            setup(application, staff_user)
        if name == "decide":
            data = data | {"committee": str(committee.pk)}
        return application, data

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("name", STAFF_ACTIONS)
def test_a_conflicted_user_can_use_no_staff_action(
    name, staff_case, client, staff_user, other_staff
):
    application, data = staff_case(name)
    ConflictOfInterest.objects.create(application=application, user=staff_user, reason="Familie")
    client.force_login(staff_user)
    url = action_url(name, application)
    page = client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    if name != "report":
        assert f'action="{url}"' not in page and f'href="{url}"' not in page
    else:
        assert "Godkend rapporten" not in client.get(url).content.decode()
    before = state(application)
    response = client.post(url, data, follow=True)
    assert "inhabil" in " ".join(messages_of(response))
    assert state(application) == before

    # The same request by a colleague without a conflict works (so the refusal is recusal).
    client.force_login(other_staff)
    page = client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    if name != "report":
        assert f'action="{url}"' in page or f'href="{url}"' in page
    response = client.post(url, data, follow=True)
    assert state(application) != before, messages_of(response)


# --- Every write through a service, recording who did it ------------------------------------


@pytest.mark.django_db
def test_the_action_plan_introduction_is_saved_with_its_author(policy, staff_client, staff_user):
    plan = ActionPlan.objects.create(
        policy=policy, title="Handleplan 2026", year_start=2026, year_end=2026
    )
    url = reverse("dokumenter:action-plan", args=[plan.pk])
    response = staff_client.post(url, {"introduction": "Vi vil ...", "version": "1"}, follow=True)
    assert "Indledningen er gemt." in messages_of(response)
    plan.refresh_from_db()
    assert (plan.introduction, plan.version) == ("Vi vil ...", 2)
    assert plan.history.latest("history_date").history_user == staff_user

    # A stale version is refused and nothing is overwritten.
    response = staff_client.post(url, {"introduction": "Gammel", "version": "1"}, follow=True)
    assert "Indledningen er gemt et andet sted" in " ".join(messages_of(response))
    plan.refresh_from_db()
    assert (plan.introduction, plan.version) == ("Vi vil ...", 2)


@pytest.mark.django_db
def test_deleting_a_measurement_records_who_did_it(policy, municipality, staff_client, staff_user):
    indicator = Indicator.objects.create(
        municipality=municipality,
        goal=policy.goals.first(),
        title="Andel i job",
        unit=Unit.values[0],
        direction=Direction.values[0],
    )
    measurement = Measurement.objects.create(indicator=indicator, year=2025, value=Decimal("12"))
    url = reverse("indikatorer:measurement-delete", args=[indicator.pk, measurement.pk])
    response = staff_client.post(url, follow=True)
    assert "Målingen er slettet." in messages_of(response)
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    deleted = Measurement.history.filter(id=measurement.pk, history_type="-").get()
    assert deleted.history_user == staff_user


@pytest.mark.django_db
def test_the_admin_cannot_move_a_status(client, make_application, pool):
    """The admin shows an application's, a pool's and a report's status but cannot set it:
    a status moves only through the services, which check the rules and record who."""
    admin_user = User.objects.create_superuser(
        username="root", password="x", email="r@x.dk", role=Role.ADMINISTRATOR
    )
    client.force_login(admin_user)
    application = make_application(status=A.SUBMITTED)
    report = Report.objects.create(application=application, kind=ReportKind.FINAL, due_date=TODAY)
    for obj in (application, pool, report):
        info = (obj._meta.app_label, obj._meta.model_name)
        page = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert page.status_code == 200
        assert 'name="status"' not in page.content.decode(), obj


# --- Reads: the funding chain is one selector with two queries at most -----------------------


@pytest.mark.django_db
def test_the_funding_chain_is_walked_in_two_queries(
    make_pool, make_application, django_assert_num_queries
):
    from grants.selectors import funding_chain

    chain = [
        make_application(title=f"Sprogcafé {year}", target_pool=make_pool(year=year))
        for year in (2023, 2024, 2025, 2026)
    ]
    for later, earlier in zip(chain[1:], chain, strict=False):
        later.continues.add(earlier)
    chain[1].continues.add(chain[3])  # a loop back must not make the walk go round
    with django_assert_num_queries(2):  # the links reached, then their applications
        found = funding_chain(chain[3])
        assert [a.pool.year for a in found] == [2025, 2024, 2023]
    with django_assert_num_queries(1):  # no links: nothing more to ask
        assert funding_chain(chain[0]) == []
    Application.objects.filter(pk=chain[1].pk).update(status=A.REJECTED)
    funded = Application.objects.exclude(status=A.REJECTED)
    # Among funded projects only, the walk stops at the rejected one.
    assert [a.pool.year for a in funding_chain(chain[3], among=funded)] == [2025]
