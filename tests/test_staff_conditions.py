"""What follows from the decision: delegation lets staff grant small amounts without the
committee, and the pool's threshold decides between an evaluation the year after and a
cooperation agreement that must be signed before the project starts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from grants.models import (
    ApplicationStatus,
    Decision,
    GrantCondition,
    Report,
    ReportKind,
)
from tests.staff_support import decide, messages_of, nothing_saved, refusals_of, status_of


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
    assert "Sekretariatet kan kun bevilge op til 50.000 kr. under delegation." in refusals_of(
        response
    )
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
