import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from grants.models import Application, Pool, PoolStatus, RequestedAmount
from policies.models import Goal, GoalKind, Policy
from portal.models import Committee, Department, Municipality, Role, User
from tests import demo_snapshot as demo_snapshot_module

pytest_plugins = ["tests.staff_fixtures", "tests.oidc_provider"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Public pages are cached; a rolled-back test must not leave its pages behind."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def danish_after_each_test():
    """A request activates the visitor's language in this thread and leaves it active; a test
    that switched to English must not make the next test's messages English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def mailoutbox(mailoutbox):
    """The mail the background worker delivered: reading it runs the worker's queue first
    (tests/worker_support.py), so mail is tested through the real backend and worker loop."""
    from tests.worker_support import WorkerOutbox

    return WorkerOutbox(mailoutbox)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo data loaded through the real services once per session (tests/demo_snapshot.py)."""
    with django_db_blocker.unblock():
        return demo_snapshot_module.take()


@pytest.fixture
def demo(db, demo_snapshot):
    """The demo data from the seeds (loaded through the real services once per session), in
    this test's own transaction: what a test changes is rolled back after it."""
    return demo_snapshot_module.restore(demo_snapshot)


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="999")


@pytest.fixture
def committee(municipality):
    return Committee.objects.create(
        municipality=municipality, name="Socialudvalget", abbreviation="SU"
    )


@pytest.fixture
def department(municipality):
    return Department.objects.create(municipality=municipality, name="Center for Integration")


@pytest.fixture
def policy(municipality):
    policy = Policy.objects.create(
        municipality=municipality,
        title="Integrationspolitik 2025-2028",
        slug="integrationspolitik-2025-2028",
        period_start=2025,
        period_end=2028,
    )
    Goal.objects.create(policy=policy, kind=GoalKind.OBJECTIVE, number=1, title="Er i job")
    return policy


@pytest.fixture
def make_pool(municipality, policy):
    def make(year=2026, budget="500000", **extra):
        extra.setdefault("status", PoolStatus.OPEN)
        extra.setdefault("application_deadline", timezone.now() + datetime.timedelta(days=30))
        return Pool.objects.create(
            municipality=municipality,
            policy=policy,
            year=year,
            title=f"Integrationspuljen {year}",
            budget=Decimal(budget) if budget is not None else None,
            **extra,
        )

    return make


@pytest.fixture
def pool(make_pool):
    return make_pool()


@pytest.fixture
def staff_user(municipality):
    return User.objects.create_user(
        username="sekretariat", password="x", role=Role.COMMITTEE_STAFF, municipality=municipality
    )


@pytest.fixture
def caseworker(municipality, department):
    return User.objects.create_user(
        username="sagsbehandler",
        password="x",
        role=Role.CASEWORKER,
        municipality=municipality,
        department=department,
    )


@pytest.fixture
def make_application(make_pool, department, committee):
    def make(*, amounts=None, target_pool=None, status=None, **extra):
        # Default: the 2026 pool, made on first use (tests may have made it already).
        target_pool = target_pool or Pool.objects.filter(year=2026).first() or make_pool()
        application = Application.objects.create(
            municipality=target_pool.municipality,
            pool=target_pool,
            department=department,
            committee=committee,
            title=extra.pop("title", "Kvinder i job"),
            **extra,
        )
        for year, amount in (amounts or {target_pool.year: "100000"}).items():
            RequestedAmount.objects.create(
                application=application, year=year, amount=Decimal(amount)
            )
        if status:
            Application.objects.filter(pk=application.pk).update(status=status)
            application.refresh_from_db()
        return application

    return make
