"""Several pools a year: a municipality runs schemes side by side, and a multi-year grant
draws its later years from the same scheme's rounds, never from another scheme's pool."""

import pytest
from django.urls import reverse

from grants.models import Allocation, Pool, Scheme
from tests.staff_support import decide, refusals_of
from tests.test_missing_pools import (
    create_links,
    make_recommended,  # noqa: F401 (a fixture)
)
from tests.test_staff_pools import pool_data


@pytest.fixture
def section_18(municipality):
    return Scheme.objects.create(
        municipality=municipality, name="Puljen til frivilligt socialt arbejde"
    )


def test_two_schemes_run_a_pool_each_in_the_same_year(staff_client, policy, make_pool, section_18):
    integration = make_pool(year=2027)
    data = pool_data(policy, title="§ 18-puljen 2027", scheme=str(section_18.pk))

    response = staff_client.post(reverse("sekretariat:pool-create"), data, follow=True)

    assert "Puljen er gemt." in refusals_of(response)
    rounds = Pool.objects.filter(year=2027)
    assert {pool.scheme for pool in rounds} == {integration.scheme, section_18}


def test_a_new_scheme_can_be_named_on_the_pool_form(staff_client, policy, make_pool):
    make_pool(year=2027)
    data = pool_data(policy, title="Fritidspuljen 2027", new_scheme_name="Fritidspuljen")

    response = staff_client.post(reverse("sekretariat:pool-create"), data, follow=True)

    assert "Puljen er gemt." in refusals_of(response)
    assert Pool.objects.get(title="Fritidspuljen 2027").scheme.name == "Fritidspuljen"


def test_a_second_round_of_the_same_scheme_in_a_year_is_refused(
    staff_client, policy, section_18, make_pool
):
    make_pool(year=2027, scheme=section_18)
    data = pool_data(policy, scheme=str(section_18.pk))

    response = staff_client.post(reverse("sekretariat:pool-create"), data)

    assert response.status_code == 400
    assert "har allerede en pulje for 2027: »" in " ".join(refusals_of(response))


def test_a_two_year_grant_takes_its_second_year_from_its_own_scheme(
    staff_client,
    make_pool,
    make_recommended,  # noqa: F811
    section_18,
    django_capture_on_commit_callbacks,
):
    integration_2028 = make_pool(year=2028, budget="500000")  # the other scheme's next year
    first = make_pool(year=2027, scheme=section_18)
    application = make_recommended({2027: "100000", 2028: "50000"}, target_pool=first)

    # The integration pool of 2028 does not pay for the § 18 grant: its round is missing.
    page = staff_client.get(reverse("sekretariat:pool", args=[first.pk])).content.decode()
    assert list(create_links(page)) == ["Opret pulje for 2028"]
    link = create_links(page)["Opret pulje for 2028"]
    assert f"ordning={section_18.pk}" in link
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2027="100.000",
        amount_2028="50.000",
    )
    assert not Allocation.objects.filter(application=application).exists()
    assert "Der findes ingen pulje for 2028" in response.content.decode()

    second = make_pool(year=2028, scheme=section_18, budget="300000")
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2027="100.000",
        amount_2028="50.000",
    )
    pools = set(Allocation.objects.filter(application=application).values_list("pool", flat=True))
    assert pools == {first.pk, second.pk}
    assert not integration_2028.allocations.exists()


def test_each_round_has_its_own_public_page(client, make_pool, section_18):
    integration = make_pool(year=2027)
    other = make_pool(year=2027, scheme=section_18)
    Pool.objects.filter(pk=other.pk).update(title="§ 18-puljen 2027")
    other.refresh_from_db()

    listing = client.get(reverse("public:pools")).content.decode()

    assert integration.public_url == reverse(
        "public:pool", args=[integration.municipality.slug, 2027]
    )  # the stable address stays the integration pool's
    assert other.public_url.endswith(f"/2027/{other.pk}/")
    for pool in (integration, other):
        assert f'href="{pool.public_url}"' in listing
        assert pool.title in client.get(pool.public_url).content.decode()
    wrong = reverse("public:pool-round", args=[integration.municipality.slug, 2027, integration.pk])
    assert client.get(wrong).status_code == 404
