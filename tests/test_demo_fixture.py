"""The `demo` fixture (tests/demo_snapshot.py): a copy of the demo loaded through the services
once per session, the same as loading it afresh, and private to each test."""

import pytest
from django.apps import apps
from django.db import transaction

from demo.loader import load_demo
from grants.models import Application, Pool
from tests.demo_snapshot import DEMO_APPS


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in DEMO_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def test_the_copy_is_what_loading_the_demo_writes(demo):
    copied = row_counts()
    funded = sorted(Application.objects.filter(allocations__isnull=False).values_list("title"))
    with transaction.atomic():
        # Empty every demo table (raw: the money rows are protected), then load for real.
        for app in DEMO_APPS:
            for model in apps.get_app_config(app).get_models(include_auto_created=True):
                if model._meta.label != "policies.SDG":
                    model._base_manager.all()._raw_delete(model._base_manager.db)
        assert sum(row_counts().values()) == 17  # only the SDGs are left
        load_demo()
        assert row_counts() == copied  # every table, the audit trail and m2m rows included
        assert (
            sorted(Application.objects.filter(allocations__isnull=False).values_list("title"))
            == funded
        )
        transaction.set_rollback(True)
    assert demo.municipalities == ["Frederiksberg Kommune", "Københavns Kommune"]
    assert {pool.pk for pool in demo.example_pools} == set(
        Pool.objects.filter(is_example=True).values_list("pk", flat=True)
    )


# The next two run in this order: what the first changes must be gone for the second.
def test_a_test_may_change_the_demo(demo):
    Pool.objects.filter(is_example=True).delete()
    Application.objects.filter(title="Kvinder i job").update(title="Ændret")


def test_the_next_test_gets_the_demo_as_loaded(demo):
    assert Pool.objects.filter(is_example=True).count() == 3
    assert Application.objects.filter(title="Kvinder i job").exists()
    assert not Application.objects.filter(title="Ændret").exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_the_demo_and_new_rows_get_new_ids(demo):
    pool = Pool.objects.filter(is_example=True).first()
    copy = Pool.objects.create(
        municipality=pool.municipality, policy=pool.policy, year=pool.year + 5, title="Ny"
    )
    assert copy.pk > max(Pool.objects.exclude(pk=copy.pk).values_list("pk", flat=True))
