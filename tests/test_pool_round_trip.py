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
