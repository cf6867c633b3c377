"""What follows from the decision: delegation lets staff grant small amounts without the
committee, and the pool's threshold decides between an evaluation the year after and a
cooperation agreement that must be signed before the project starts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.forms.staff import DEFAULT_APPEAL_GUIDANCE
from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Decision,
    GrantCondition,
    Report,
    ReportKind,
    StatusChange,
)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


@pytest.fixture
def owner(caseworker):
    caseworker.email = "sagsbehandler@testrup.dk"
    caseworker.save()
    return caseworker


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def pools(make_pool):
    return make_pool(year=2026, budget="500000"), make_pool(year=2027, budget="500000")


@pytest.fixture
def make_recommended(pools, make_application, owner):
    def make(amounts, **extra):
        return make_application(
            title=extra.pop("title", "Kvinder i job"),
            status=ApplicationStatus.RECOMMENDED,
            amounts=amounts,
            created_by=owner,
            **extra,
        )

    return make


def decide(client, application, capture, **fields):
    """Post the decision form as staff fill it in: committee chosen, guidance kept."""
    data = {
        "outcome": "approved",
        "committee": application.committee_id,
        "meeting_date": "2026-03-01",
        "message": "Udvalget har behandlet ansøgningen.",
        "reasons": "",
        "appeal_guidance": str(DEFAULT_APPEAL_GUIDANCE),
        "conditions_text": "",
    } | fields
    with capture(execute=True):
        return client.post(reverse("sekretariat:decide", args=[application.pk]), data, follow=True)


def nothing_saved(application, status=ApplicationStatus.RECOMMENDED) -> bool:
    return (
        status_of(application) == status
        and not Decision.objects.filter(application=application).exists()
        and not Allocation.objects.filter(application=application).exists()
        and not StatusChange.objects.filter(application=application).exists()
    )


def test_delegation_within_the_limit_needs_no_committee(
    staff_client, pools, make_recommended, django_capture_on_commit_callbacks
):
    pool_2026, _ = pools
    pool_2026.delegation_limit = 50000
    pool_2026.save()
    small = make_recommended({2026: "40000"}, title="Lille indsats")
    big = make_recommended({2026: "60000"}, title="Større indsats")

    html = staff_client.get(reverse("sekretariat:decide", args=[small.pk])).content.decode()
    assert 'name="under_delegation"' in html
    assert "Puljen tillader bevillinger op til 50.000 kr. i alt uden udvalgsbehandling." in html

    response = decide(
        staff_client,
        small,
        django_capture_on_commit_callbacks,
        committee="",
        meeting_date="",
        under_delegation="on",
        amount_2026="40.000",
    )
    assert status_of(small) == ApplicationStatus.APPROVED
    decision = Decision.objects.get(application=small)
    assert decision.under_delegation and decision.committee is None
    assert "Truffet af sekretariatet under delegation." in response.content.decode()

    response = decide(
        staff_client,
        big,
        django_capture_on_commit_callbacks,
        committee="",
        under_delegation="on",
        amount_2026="60.000",
    )
    assert messages_of(response) == [
        "Sekretariatet kan kun bevilge op til 50.000 kr. under delegation."
    ]
    assert nothing_saved(big)


def test_under_the_threshold_the_grant_must_be_evaluated_the_year_after(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "60000", 2027: "30000"})  # 90.000 < 100.000

    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        amount_2027="30.000",
    )

    decision = Decision.objects.get()
    assert decision.condition == GrantCondition.EVALUATION
    assert decision.evaluation_due == datetime.date(2028, 12, 31)
    assert "Evaluering året efter (senest 31. december 2028)" in response.content.decode()
    report = Report.objects.get(application=application)
    assert (report.kind, report.due_date) == (ReportKind.EVALUATION, datetime.date(2028, 12, 31))
    # No agreement is needed: the project can start at once.
    response = staff_client.post(
        reverse("sekretariat:activate", args=[application.pk]), follow=True
    )
    assert "Indsatsen er sat i gang." in messages_of(response)


def test_the_evaluation_is_due_the_year_after_the_last_year_actually_granted(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "60000", 2027: "30000"})

    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        amount_2027="",
        reasons="Kun første år bevilges; 2027 vurderes efter evalueringen.",
    )

    assert Decision.objects.get().evaluation_due == datetime.date(2027, 12, 31)


def test_at_the_threshold_a_cooperation_agreement_is_needed_before_the_start(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "60000", 2027: "40000"})  # exactly 100.000
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        amount_2027="40.000",
    )
    decision = Decision.objects.get()
    assert decision.condition == GrantCondition.COOPERATION_AGREEMENT
    page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    assert "Registrér underskrevet samarbejdsaftale" in page.content.decode()

    response = staff_client.post(
        reverse("sekretariat:activate", args=[application.pk]), follow=True
    )
    assert messages_of(response) == [
        "Samarbejdsaftalen skal være underskrevet, før indsatsen kan sættes i gang."
    ]
    assert status_of(application) == ApplicationStatus.APPROVED

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    agreement_url = reverse("sekretariat:agreement", args=[application.pk])
    response = staff_client.post(agreement_url, {"signed_on": tomorrow.isoformat()}, follow=True)
    assert messages_of(response) == ["Datoen for underskrift kan ikke ligge i fremtiden."]

    signed = timezone.localdate()
    response = staff_client.post(agreement_url, {"signed_on": signed.isoformat()}, follow=True)
    assert messages_of(response) == ["Underskriften af samarbejdsaftalen er registreret."]
    assert "Registrér underskrevet samarbejdsaftale" not in response.content.decode()

    response = staff_client.post(
        reverse("sekretariat:activate", args=[application.pk]), follow=True
    )
    assert messages_of(response) == ["Indsatsen er sat i gang."]
    assert status_of(application) == ApplicationStatus.ACTIVE


def test_an_agreement_cannot_be_recorded_for_a_grant_that_needs_none(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "50000"})
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="50.000")

    response = staff_client.post(
        reverse("sekretariat:agreement", args=[application.pk]),
        {"signed_on": timezone.localdate().isoformat()},
        follow=True,
    )

    assert messages_of(response) == ["Bevillingen kræver ikke en samarbejdsaftale."]
    assert Decision.objects.get().agreement_signed_on is None
