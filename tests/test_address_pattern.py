"""portal.site.address_pattern and id_address_pattern: one reverse() for many rows gives what
reverse() gives."""

import pytest
from django.urls import reverse

from portal.site import address_pattern, id_address_pattern


@pytest.mark.parametrize(
    "viewname, slugs",
    [
        ("barometer:policy", ["koebenhavn", "integrationspolitik-2019-2022"]),
        ("barometer:policy", ["slug0mark", "a_b-1"]),
        ("public:municipality-projects-csv", ["frederiksberg"]),
        ("public:municipality-giving-json", ["syntetisk-001"]),
    ],
)
def test_the_pattern_formats_to_the_reversed_address(viewname, slugs):
    pattern = address_pattern(viewname, slugs=len(slugs))
    assert pattern.format(*slugs) == reverse(viewname, args=slugs)


@pytest.mark.parametrize("viewname", ["mine:edit", "mine:detail", "api:project", "politikker:goal"])
@pytest.mark.parametrize("pk", [1, 7, 21474800, 2147480001, 2147480010])
def test_the_id_pattern_formats_to_the_reversed_address(viewname, pk):
    """Also an id that holds the mark's digits, or is the mark."""
    assert id_address_pattern(viewname).format(pk) == reverse(viewname, args=[pk])


def test_pool_paths_write_what_pool_path_writes():
    """The pools page formats every row's address from two patterns (grants.models.schemes.
    pool_paths); the integration pool's round has no id, another scheme's has."""
    from grants.models.schemes import pool_path, pool_paths

    path = pool_paths()
    for slug, year, pk, scheme in [
        ("frederiksberg", 2021, 2147480001, "Integrationspuljen"),
        ("koebenhavn", 2027, 9, "Foreningspuljen"),
        ("a-1", 2000, 2147480002, "Anden ordning"),
    ]:
        assert path(slug, year, pk, scheme) == pool_path(slug, year, pk, scheme)
