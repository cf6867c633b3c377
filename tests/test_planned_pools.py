"""Attack round 6 (B): a planned pool ("Planlagt": budget and description still being
prepared) is on no public page, sitemap, open-data file or API answer until it is opened;
a pool that has been open stays public when it is closed."""

import pytest
from django.urls import reverse

from grants.models import PoolStatus

SECRET_TITLE = "Hemmelig planlagt pulje"
SECRET_BUDGET = "12.345.678"


def public_addresses(pool) -> list[str]:
    """Every public address that lists or shows pools, and the downloads."""
    return [
        reverse("home"),
        reverse("public:pools"),
        reverse("public:catalogue"),
        reverse("public:data"),
        reverse("public:projects-csv"),
        reverse("public:projects-xlsx"),
        reverse("public:giving-json"),
        reverse("sitemap"),
        reverse("catalogue"),
        reverse("api:pools"),
        reverse("api:pools") + f"?aar={pool.year}",
        reverse("api:root"),
    ]


def shown(client, pool) -> list[str]:
    """The public addresses where the pool shows (its title, budget or own page)."""
    found = []
    for address in public_addresses(pool):
        response = client.get(address)
        assert response.status_code == 200, address
        if address.endswith(".xlsx"):
            continue  # funded projects only, a zip: their rows come from funded_projects()
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        page = reverse("public:pool", args=[pool.municipality.slug, pool.year])
        if any(sign in text for sign in (SECRET_TITLE, SECRET_BUDGET, "12345678", page)):
            found.append(address)
    own = [
        reverse("public:pool", args=[pool.municipality.slug, pool.year]),
        reverse("api:pool", args=[pool.pk]),
    ]
    found += [address for address in own if client.get(address).status_code == 200]
    return found


@pytest.mark.django_db
def test_a_planned_pool_is_public_only_once_opened(client, make_pool):
    pool = make_pool(
        year=2029,
        budget="12345678",
        status=PoolStatus.PLANNED,
        description="Intern beskrivelse",
    )
    pool.title = SECRET_TITLE
    pool.save()
    assert shown(client, pool) == []

    pool.status = PoolStatus.OPEN
    pool.save()
    assert reverse("home") in shown(client, pool)
    assert reverse("public:pools") in shown(client, pool)
    assert reverse("public:pool", args=[pool.municipality.slug, pool.year]) in shown(client, pool)

    pool.status = PoolStatus.CLOSED
    pool.save()
    still = shown(client, pool)
    for address in (reverse("public:pools"), reverse("api:pools"), reverse("sitemap")):
        assert address in still
