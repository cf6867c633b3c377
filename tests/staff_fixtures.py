"""Fixtures shared by the committee-staff tests (a pytest plugin, see conftest.py)."""

import pytest

from grants.models import (
    ApplicationStatus,
)


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
