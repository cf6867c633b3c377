"""Another action holds the pool too long: the user gets "try again" and keeps the form.

The decision's service locks the pool rows (SELECT … FOR UPDATE). When the lock cannot be
had in time the whole decision is rolled back, and the page answers 503 with the form and
everything typed in it – never Django's bare "Server Error (500)"."""

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from grants.models import Allocation, ApplicationStatus, Decision, Pool
from tests.staff_support import DEFAULT_APPEAL_GUIDANCE, nothing_saved

BUSY = "Puljen er optaget af en anden handling lige nu. Intet er gemt – prøv igen."
TYPED = "Udvalget bevilger med glæde – vi følger indsatsen tæt."


def decision_data(application) -> dict:
    return {
        "outcome": "approved",
        "committee": application.committee_id,
        "meeting_date": "2026-03-01",
        "message": TYPED,
        "reasons": "",
        "appeal_guidance": str(DEFAULT_APPEAL_GUIDANCE),
        "conditions_text": "",
        "amount_2026": "100.000",
    }


def assert_busy_page_keeps_the_form(response, application):
    text = response.content.decode()
    assert response.status_code == 503
    assert BUSY in text
    assert TYPED in text  # the message typed into the form is still in it
    assert 'value="100.000"' in text
    assert "Server Error" not in text
    assert nothing_saved(application)


class LockTimeout(Exception):
    sqlstate = "55P03"  # PostgreSQL lock_not_available, as psycopg reports it


def test_a_lock_wait_that_runs_out_keeps_the_typed_decision(
    staff_client, make_recommended, monkeypatch
):
    application = make_recommended({2026: "100000"})

    def times_out(**kwargs):
        raise OperationalError("canceling statement due to lock timeout") from LockTimeout()

    monkeypatch.setattr("grants.services.decisions.allocate", times_out)
    response = staff_client.post(
        reverse("sekretariat:decide", args=[application.pk]), decision_data(application)
    )

    assert_busy_page_keeps_the_form(response, application)


def test_other_database_errors_are_not_called_busy(staff_client, make_recommended, monkeypatch):
    application = make_recommended({2026: "100000"})

    def broken(**kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr("grants.services.decisions.allocate", broken)
    with pytest.raises(OperationalError):
        staff_client.post(
            reverse("sekretariat:decide", args=[application.pk]), decision_data(application)
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and lock_timeout are only real on PostgreSQL; CI runs this there",
)
@pytest.mark.django_db(transaction=True)
def test_a_pool_held_by_another_transaction_answers_try_again(
    staff_client, make_recommended, settings
):
    settings.POOL_LOCK_TIMEOUT_MS = 300
    application = make_recommended({2026: "100000"})
    pool = Pool.objects.get(year=2026)
    locked, release = threading.Event(), threading.Event()

    def hold_the_pool():
        try:
            with transaction.atomic():
                Pool.objects.select_for_update().get(pk=pool.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_pool)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        response = staff_client.post(
            reverse("sekretariat:decide", args=[application.pk]), decision_data(application)
        )
    finally:
        release.set()
        holder.join()

    assert_busy_page_keeps_the_form(response, application)
    assert not Decision.objects.exists()
    assert not Allocation.objects.exists()
    # Once the other action is done, the same form goes through.
    response = staff_client.post(
        reverse("sekretariat:decide", args=[application.pk]), decision_data(application)
    )
    assert response.status_code == 302
    assert Allocation.objects.get().amount == 100000
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
