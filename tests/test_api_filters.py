"""The API's filters take what its answers show (fresh eyes round 22): a committee by the
abbreviation the projects' `udvalg` lists, a municipality by its short name in any letter
case; an unknown value is refused on every list alike, naming the values that exist."""

import pytest

from grants.public import open_data_projects

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/projekter/", "/api/v1/puljer/", "/api/v1/politikker/", "/api/v1/indikatorer/"]


def ids(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_committee_by_the_abbreviation_the_projects_show(client, demo):
    everything = client.get("/api/v1/projekter/?antal=500").json()["results"]
    shown = {abbreviation for project in everything for abbreviation in project["udvalg"]}
    assert shown
    for abbreviation in shown:
        expected = {p["id"] for p in everything if abbreviation in p["udvalg"]}
        assert ids(client, f"/api/v1/projekter/?udvalg={abbreviation}&antal=500") == expected
        assert ids(client, f"/api/v1/projekter/?udvalg={abbreviation.lower()}&antal=500") == (
            expected
        )


@pytest.mark.parametrize("url", LISTS)
def test_a_municipality_in_any_letter_case_and_an_unknown_one_refused(client, demo, url):
    exact = ids(client, f"{url}?kommune=frederiksberg")
    assert exact
    assert ids(client, f"{url}?kommune=Frederiksberg") == exact
    response = client.get(f"{url}?kommune=xyz")
    assert response.status_code == 400
    assert "frederiksberg, koebenhavn" in response.json()["kommune"][0]


def test_an_unknown_committee_is_refused_with_the_known_ones(client, demo):
    response = client.get("/api/v1/projekter/?udvalg=XYZ&kommune=frederiksberg")
    assert response.status_code == 400
    message = response.json()["udvalg"][0]
    assert "»XYZ« findes ikke" in message and "AUU" in message
    assert open_data_projects().exists()


def test_a_committee_is_named_by_its_abbreviation_never_by_an_id(client, demo):
    """Fresh eyes round 36: `udvalg=3` was read as committee no. 3's municipality, and the
    refusal listed only Frederiksberg's committees, though København's are as valid."""
    from portal.models import Committee

    frederiksberg = Committee.objects.filter(municipality__slug="frederiksberg").first()
    response = client.get(f"/api/v1/projekter/?udvalg={frederiksberg.pk}")
    assert response.status_code == 400
    message = response.json()["udvalg"][0]
    known = set(Committee.objects.values_list("abbreviation", flat=True))
    assert all(abbreviation in message for abbreviation in known), message


def test_an_amount_as_the_api_writes_it_and_an_error_that_says_so(client, demo):
    everything = client.get("/api/v1/projekter/?antal=500").json()["results"]
    written = everything[0]["bevilget_i_alt_kr"]  # "150000.00"
    found = ids(client, f"/api/v1/projekter/?beloeb_min={written}&beloeb_max={written}&antal=500")
    assert everything[0]["id"] in found
    refused = client.get("/api/v1/projekter/?beloeb_min=mange")
    assert refused.status_code == 400
    assert "150000.50" in refused.json()["beloeb_min"][0]
