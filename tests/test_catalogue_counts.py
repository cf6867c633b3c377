"""The catalogue's counts and sort columns that PostgreSQL keeps (migration 0022, issue #17).

Whatever changes a project's status, money years, pool year or municipality name, the stored
counts must equal a live count, and the page built from them must show what the live path
(SQLite's) shows for the same data.
"""

import re
import threading
import time
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from grants.models import FUNDED_STATUSES, Allocation, Application, CarryOver, CatalogueCount
from grants.models.pools import Pool
from portal.models import Municipality
from tests.test_public_catalogue import fund

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the counts and sort columns are kept by PostgreSQL triggers; SQLite counts live",
)

CATALOGUE = "/projekter/"


def live_counts() -> dict:
    funded = Application.objects.filter(status__in=FUNDED_STATUSES)
    counts = Counter(
        {(m, 0): n for m, n in Counter(funded.values_list("municipality", flat=True)).items()}
    )
    pairs = set()
    for rows in (
        Allocation.objects.filter(application__in=funded).values_list(
            "application__municipality", "pool__year", "application"
        ),
        CarryOver.objects.filter(application__in=funded).values_list(
            "application__municipality", "to_pool__year", "application"
        ),
    ):
        pairs.update(rows)
    counts.update((m, year) for m, year, _application in pairs)
    return dict(counts)


def stored_counts() -> dict:
    return {(row.municipality_id, row.year): row.projects for row in CatalogueCount.objects.all()}


def assert_current() -> None:
    assert stored_counts() == live_counts()
    for application in Application.objects.select_related("pool", "municipality"):
        assert application.listed_year == application.pool.year, application
        assert application.listed_municipality == application.municipality.name, application


def test_the_demo_data_is_counted(demo):
    assert stored_counts()  # not vacuously equal
    assert_current()


def test_every_kind_of_change_is_counted(make_application, make_pool):
    first = fund(make_application(title="Sprogcafé"))
    second = fund(make_application(title="Lektiecafé"))
    make_application(title="Kladde")  # a draft counts nowhere
    assert stored_counts()[(first.municipality_id, 0)] == 2
    assert_current()

    Application.objects.filter(pk=first.pk).update(status="closed")  # still funded
    assert_current()
    Application.objects.filter(pk=first.pk).update(status="rejected")  # out of the catalogue
    assert stored_counts()[(first.municipality_id, 0)] == 1
    assert_current()
    Application.objects.filter(pk=first.pk).update(status="approved")
    assert_current()

    later = make_pool(year=2027)
    CarryOver.objects.create(
        application=second, from_pool=second.pool, to_pool=later, amount=None
    )  # money in 2027 too
    assert stored_counts()[(second.municipality_id, 2027)] == 1
    assert_current()

    Allocation.objects.filter(application=first).delete()
    assert_current()

    Pool.objects.filter(pk=second.pool_id).update(year=2030)  # a corrected year
    assert_current()
    Municipality.objects.filter(pk=second.municipality_id).update(name="Nyt navn Kommune")
    assert_current()

    # A bulk insert (the scale data, a restore) is counted once per statement.
    pool = Pool.objects.get(pk=second.pool_id)
    Application.objects.bulk_create(
        Application(
            municipality=pool.municipality,
            pool=pool,
            department=second.department,
            committee=second.committee,
            title=f"Massevis {n}",
            status="active",
        )
        for n in range(5)
    )
    assert_current()
    Application.objects.filter(title__startswith="Massevis").delete()
    assert_current()


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_in_one_municipality_are_both_counted(make_application):
    """Two transactions that fund projects of the same municipality side by side: the second
    recount waits for the first transaction, sees its project and counts both (without the
    lock it would fail on the unique count row, or count one)."""
    first, second = make_application(title="A"), make_application(title="B")
    errors, holding = [], threading.Event()

    def run(application, hold):
        try:
            with transaction.atomic():
                Application.objects.filter(pk=application.pk).update(status="approved")
                if hold:
                    holding.set()
                    time.sleep(0.5)  # the other one counts meanwhile
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(first, True)),
        threading.Thread(target=lambda: holding.wait(5) and run(second, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert stored_counts()[(first.municipality_id, 0)] == 2
    assert_current()


def facets_and_cards(html: str) -> tuple:
    count = re.search(r'<p role="status"[^>]*><strong>(.*?)</strong>', html).group(1)
    facets = re.search(r'<section aria-labelledby="facets-heading">(.*?)</section>', html, re.S)
    cards = re.findall(r'card-title"><a href="/projekter/(\d+)/">', html)
    return count, facets.group(1), cards


def test_the_stored_catalogue_shows_what_a_live_count_shows(client, demo, monkeypatch):
    import grants.catalogue as catalogue

    monkeypatch.setattr(catalogue, "PAGE_SIZE", 3)  # several pages of the demo's projects
    pages = {}
    for stored in (True, False):
        monkeypatch.setattr(catalogue, "has_stored_summary", lambda stored=stored: stored)
        for page in (1, 2, 3):
            cache.clear()
            response = client.get(CATALOGUE, {"side": page} if page > 1 else {})
            assert response.status_code == 200
            pages[stored, page] = facets_and_cards(response.content.decode())
    for page in (1, 2, 3):
        assert pages[True, page] == pages[False, page]
    assert pages[True, 1][2]  # cards on the page
    assert "Frederiksberg" in pages[True, 1][1]


def test_the_command_recounts_what_was_changed_by_hand(demo):
    """`manage.py refresh_summaries`, for rows changed outside the portal (docs/operations.md)."""
    from django.core.management import call_command

    from indicators.models import Indicator
    from tests.test_indicator_stored_status import assert_stored_as_assessed

    CatalogueCount.objects.all().delete()
    Indicator.objects.update(stored_status="")
    call_command("refresh_summaries")
    assert_current()
    assert_stored_as_assessed()
