"""`__in_ids` (portal.lookups) finds what `__in` finds, with PostgreSQL given one array
parameter instead of a placeholder per id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Allocation, Application


@pytest.fixture
def applications(demo):
    funded = Application.objects.filter(allocations__isnull=False).distinct().order_by("pk")
    return list(funded[:5])


@pytest.mark.parametrize("pick", [[0], [0, 2, 4], [4, 4, 1], []])
def test_the_same_rows_as_in(applications, pick):
    ids = [applications[n].pk for n in pick]
    expected = list(Application.objects.filter(pk__in=ids).order_by("pk"))
    assert list(Application.objects.filter(pk__in_ids=ids).order_by("pk")) == expected
    # Through a relation too, and with ids no row has and a None among them.
    with_strays = [*ids, 10**9, None]
    granted = list(Allocation.objects.filter(application__in=with_strays).order_by("pk"))
    assert len(granted) >= len(set(ids))
    assert (
        list(Allocation.objects.filter(application__in_ids=with_strays).order_by("pk")) == granted
    )


def test_a_subquery_is_left_to_django(applications):
    some = Application.objects.filter(pk=applications[1].pk).values("pk")
    assert list(Application.objects.filter(pk__in_ids=some)) == [applications[1]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_postgresql_gets_one_array_parameter(applications):
    ids = [a.pk for a in applications]
    with CaptureQueriesContext(connection) as captured:
        list(Allocation.objects.filter(application__in_ids=ids))
    sql = captured[0]["sql"]
    assert '"grants_allocation"."application_id" = ANY(' in sql
    assert " IN (" not in sql
