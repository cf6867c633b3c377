"""Attack round 6 (F): saving the pool form unchanged cut the deadline's seconds
(12:18:01 → 12:18:00) and the change log showed a change with the same value before and
after. The form round-trips exactly and an unchanged save logs nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Pool
from tests.form_pages import main_form_data
from tests.test_staff_audit import audit_rows


@pytest.mark.django_db
def test_saving_the_pool_form_unchanged_changes_and_logs_nothing(client, staff_user, make_pool):
    # A month ahead, whenever the test runs (an open pool's deadline cannot be moved into
    # the past).
    ahead = timezone.localtime() + datetime.timedelta(days=30)
    deadline = ahead.replace(hour=12, minute=18, second=1, microsecond=0)
    opens = (ahead - datetime.timedelta(days=60)).replace(hour=8, minute=30, second=59)
    opens = opens.replace(microsecond=0)
    pool = make_pool(year=deadline.year, application_deadline=deadline, opens_at=opens)
    client.force_login(staff_user)
    page = reverse("sekretariat:pool", args=[pool.pk])
    before = audit_rows(client.get(page))
    url = reverse("sekretariat:pool-edit", args=[pool.pk])

    data = main_form_data(client.get(url).content.decode())
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()
    pool = Pool.objects.get(pk=pool.pk)
    assert (pool.application_deadline, pool.opens_at) == (deadline, opens)
    assert audit_rows(client.get(page)) == before

    data = main_form_data(client.get(url).content.decode())
    data["application_deadline"] = f"{deadline:%Y-%m-%d}T12:19"
    assert client.post(url, data).status_code == 302
    pool = Pool.objects.get(pk=pool.pk)
    assert pool.application_deadline == deadline.replace(minute=19, second=0)
    rows = audit_rows(client.get(page))
    assert len(rows) == len(before) + 1
    assert "12:18" in rows[0]["changes"] and "12:19" in rows[0]["changes"]


@pytest.mark.django_db
def test_moving_the_deadline_earlier_tells_the_drafts_people(
    client,
    staff_user,
    make_pool,
    make_application,
    caseworker,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Fresh eyes round 18: the deadline moved 19 minutes earlier and the caseworker with a
    draft heard nothing; the pool closed before the time she had been told."""
    deadline = (timezone.localtime() + datetime.timedelta(days=10)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    pool = make_pool(year=deadline.year, application_deadline=deadline)
    caseworker.email = "cw@testrup.dk"
    caseworker.save()
    make_application(target_pool=pool, status="draft", created_by=caseworker, title="Lektiecafé")
    client.force_login(staff_user)
    url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = main_form_data(client.get(url).content.decode())
    data["application_deadline"] = f"{deadline + datetime.timedelta(days=2):%Y-%m-%dT%H:%M}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert mailoutbox == []  # later: no one is rushed
    data = main_form_data(client.get(url).content.decode())
    data["application_deadline"] = f"{deadline - datetime.timedelta(days=5):%Y-%m-%dT%H:%M}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    [mail] = mailoutbox
    assert mail.to == [caseworker.email]
    assert mail.subject == f"Ny ansøgningsfrist: {pool.title}"
    assert "er rykket frem fra" in mail.body and "»Lektiecafé« skal sendes inden" in mail.body


@pytest.mark.django_db
def test_a_closed_pool_without_a_deadline_can_be_corrected_and_saved_twice(
    client, staff_user, make_pool
):
    """Fresh eyes round 37: an earlier year's closed round, brought in without a deadline,
    answered every save with "Ansøgningsfrist: Dette felt er påkrævet." – its budget could not
    be corrected without making up a deadline. A pool that is to take applications still
    needs one, said in the service's words."""
    from grants.models import PoolStatus
    from grants.services.pools import DEADLINE_MISSING

    pool = make_pool(year=2021, application_deadline=None, status=PoolStatus.CLOSED)
    client.force_login(staff_user)
    url = reverse("sekretariat:pool-edit", args=[pool.pk])
    for budget in ("723.000", "724.000"):
        data = main_form_data(client.get(url).content.decode())
        assert data["application_deadline"] == ""
        response = client.post(url, {**data, "budget": budget})
        assert response.status_code == 302, response.content.decode()[:3000]
    pool.refresh_from_db()
    assert (pool.budget, pool.application_deadline) == (724000, None)

    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.PLANNED)
    data = main_form_data(client.get(url).content.decode())
    response = client.post(url, data)
    assert response.status_code == 400
    assert str(DEADLINE_MISSING) in response.content.decode()
    assert response.content.decode().count(str(DEADLINE_MISSING)) <= 2  # field and summary
