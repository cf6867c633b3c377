"""The 360Giving file through 360Giving's own data-quality rules (tests/giving_quality.py):
zero errors on the demo; identifiers from the org-id register and never invented; award
dates from the decision; official place codes."""

import datetime
import json

import pytest
from django.test import override_settings

from grants.models import Application, Decision
from grants.opendata_orgs import org_id
from portal.models import Department, Municipality
from tests import giving_quality


def giving(client, path: str = "/data/360giving.json") -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


# The demo's funders: Frederiksberg's 8 integration-pool grants, Copenhagen's 5 § 18 grants.
FILES = {"frederiksberg": 8, "koebenhavn": 5}


@pytest.mark.parametrize(("slug", "count"), FILES.items())
def test_each_municipalitys_file_passes_every_quality_check(client, demo, slug, count):
    """A municipality's own file, as 360Giving and a national portal harvest it: one funder,
    zero errors, every check the tool runs (MoreThanOneFundingOrg included)."""
    package = giving(client, f"/data/{slug}/360giving.json")
    assert len(package["grants"]) == count
    funders = {org["id"] for g in package["grants"] for org in g["fundingOrganization"]}
    assert len(funders) == 1
    assert package["publisher"]["identifier"] == funders.pop()
    assert giving_quality.run(giving_quality.QUALITY, package) == {}


def test_the_national_file_is_the_municipalities_files_together(client, demo):
    """/data/360giving.json stays the portal's file with every funder (its grants are those
    of the municipalities' files, nothing more); 360Giving's one-funder check is for the
    municipalities' own files above."""
    national = giving(client)["grants"]
    own = [g for slug in FILES for g in giving(client, f"/data/{slug}/360giving.json")["grants"]]
    assert sorted(national, key=lambda g: g["id"]) == sorted(own, key=lambda g: g["id"])


def test_a_second_funder_in_a_municipalitys_file_is_an_error(client, demo):
    package = giving(client, "/data/frederiksberg/360giving.json")
    package["grants"][1]["fundingOrganization"][0]["id"] = "DK-CVR-87654321"
    assert "MoreThanOneFundingOrg" in giving_quality.run(giving_quality.QUALITY, package)


def test_the_demo_has_only_the_notices_an_unknown_cvr_number_explains(client, demo):
    """Without the municipality's CVR number (the demo's documents do not give it) the ids
    are 360Giving's fallback, which the tool notes; 360Giving's company and charity numbers
    are UK registers. Every other usefulness check passes."""
    notices = giving_quality.run(giving_quality.USEFULNESS, giving(client))
    assert set(notices) == {
        "RecipientOrg360GPrefix",
        "FundingOrg360GPrefix",
        "NoRecipientOrgCompanyCharityNumber",
    }


def test_with_a_cvr_number_the_ids_are_dk_cvr(client, demo):
    Municipality.objects.filter(slug="frederiksberg").update(cvr="11223344")
    package = giving(client)
    # Frederiksberg's grants (Copenhagen's CVR number is still unknown: 360G- ids there).
    own = [
        g
        for g in package["grants"]
        if g["fundingOrganization"][0]["name"] == "Frederiksberg Kommune"
    ]
    assert len(own) == 8
    for grant in own:
        assert grant["fundingOrganization"][0]["id"] == "DK-CVR-11223344"
        assert grant["recipientOrganization"][0]["id"] == "DK-CVR-11223344"
    package = {**package, "grants": own}
    notices = giving_quality.run(giving_quality.USEFULNESS, package)
    assert set(notices) == {"NoRecipientOrgCompanyCharityNumber"}
    assert giving_quality.run(giving_quality.QUALITY, package) == {}


def test_without_a_cvr_number_the_fallback_is_the_publishers_360g_prefix(client, demo):
    grant = giving(client)["grants"][0]
    assert grant["fundingOrganization"][0]["id"] == "360G-integrationsportalen-kommune-147"
    assert grant["id"].startswith("360G-integrationsportalen-147-")
    with override_settings(GIVING_PREFIX="360G-frederiksberg"):
        grant = giving(client)["grants"][0]
    assert grant["fundingOrganization"][0]["id"] == "360G-frederiksberg-kommune-147"


def test_a_department_is_identified_as_its_municipality(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="t", code="999")
    Department.objects.create(municipality=municipality, name="Biblioteket")
    assert org_id(municipality) == "360G-integrationsportalen-kommune-999"
    municipality.cvr = "12345678"
    assert org_id(municipality) == org_id({"cvr": "12345678", "code": "999"}) == "DK-CVR-12345678"


@pytest.mark.parametrize(
    ("identifier", "check"),
    [
        ("DK-KOMMUNE-147", "FundingOrgUnrecognisedPrefix"),
        ("GB-CHC-12", "OrganizationIdLooksInvalid"),
        ("DK-CVR-1\\n2", "OrganizationIdUnexpectedChars"),
    ],
)
def test_the_checks_catch_what_the_tool_catches(client, demo, identifier, check):
    """The checks are not toothless: the old home-made prefix is an error again."""
    package = giving(client)
    package["grants"][0]["fundingOrganization"][0]["id"] = identifier.replace("\\n", "\n")
    assert check in giving_quality.run(giving_quality.QUALITY, package)


def test_a_second_funder_and_a_future_award_date_are_errors(client, demo):
    package = giving(client)
    package["grants"][1]["fundingOrganization"][0]["id"] = "DK-CVR-87654321"
    package["grants"][2]["awardDate"] = (datetime.date.today() + datetime.timedelta(3)).isoformat()
    failures = giving_quality.run(giving_quality.QUALITY, package)
    assert {"MoreThanOneFundingOrg", "MultiFundingOrgIdsForName", "PostDatedAwardDates"} <= set(
        failures
    )


def test_award_dates_come_from_the_decision(client, demo):
    grants = {g["title"]: g for g in giving(client)["grants"]}
    # Copenhagen's § 18 grants: the Social Committee's meeting seed 001 names (14 November
    # 2018). Frederiksberg's action plan names no meeting: 1 January of the pool's year.
    assert {g["awardDate"] for g in grants.values()} == {"2018-11-14", "2021-01-01"}
    project = Application.objects.get(title="Kvinder i job")
    Decision.objects.filter(application=project).update(meeting_date=datetime.date(2020, 11, 26))
    grant = {g["title"]: g for g in giving(client)["grants"]}["Kvinder i job"]
    assert grant["awardDate"] == "2020-11-26"
    assert {t["transactionDate"] for t in grant["commitmentTransaction"]} == {"2020-11-26"}


def test_places_carry_the_municipality_code_and_the_iso_region(client, demo):
    grant = giving(client)["grants"][0]
    places = [(p["name"], p["geoCode"], p["countryCode"]) for p in grant["beneficiaryLocation"]]
    assert places == [
        ("Frederiksberg Kommune", "147", "DK"),
        ("Region Hovedstaden", "DK-84", "DK"),
    ]
    assert grant["recipientOrganization"][0]["location"] == grant["beneficiaryLocation"]


@override_settings(PORTAL_BASE_URL="https://integration.example.dk")
def test_urls_come_from_the_configured_base_address(client, demo):
    grant = giving(client)["grants"][0]
    for url in (grant["url"], grant["dataSource"], grant["grantProgramme"][0]["url"]):
        assert url.startswith("https://integration.example.dk/"), url


def test_every_danish_municipality_has_its_region():
    from portal.places import REGIONS, region_of

    assert sum(len(codes.split()) for _name, codes in REGIONS.values()) == 98
    assert region_of("101") == ("DK-84", "Region Hovedstaden")
    assert region_of("751") == ("DK-82", "Region Midtjylland")
    assert region_of("411") is None  # Christiansø
