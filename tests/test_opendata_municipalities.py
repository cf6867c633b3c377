"""Each municipality's own open-data files (/data/<kommune>/360giving.json and
projekter.csv), as a national portal harvests one publisher file per funder; and award dates,
which are the decision's date in every file, never a placeholder."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import timezone

import grants.opendata_rows
from grants.models import Application, Decision
from grants.opendata import csv_stream, giving_stream
from portal.models import Municipality
from tests.staff_support import decide
from tests.test_opendata import errors, validator  # noqa: F401 (validator is a fixture)
from tests.test_opendata_export import CSV_QUERIES, GIVING_QUERIES, count_queries, many_projects

SLUGS = ("frederiksberg", "koebenhavn")


def download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming, url  # sent piece by piece, never built whole
    return b"".join(response.streaming_content).decode()


def giving(client, url: str = "/data/360giving.json") -> dict:
    return json.loads(download(client, url))


def csv_rows(client, url: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(client, url), newline="")))


@pytest.mark.parametrize("slug", SLUGS)
def test_a_municipalitys_file_validates_and_holds_only_its_grants(client, demo, validator, slug):  # noqa: F811
    municipality = Municipality.objects.get(slug=slug)
    package = giving(client, f"/data/{slug}/360giving.json")
    assert errors(validator, package) == []
    assert package["publisher"]["name"] == municipality.name
    assert {g["fundingOrganization"][0]["name"] for g in package["grants"]} == {municipality.name}
    funded = Application.objects.filter(
        municipality=municipality, status__in=["approved", "active", "closed"]
    )
    assert {g["id"].rsplit("-", 1)[1] for g in package["grants"]} == {
        str(pk) for pk in funded.filter(allocations__isnull=False).values_list("pk", flat=True)
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_a_municipalitys_csv_is_its_rows_of_the_national_csv(client, demo, slug):
    name = Municipality.objects.get(slug=slug).name
    national = [r for r in csv_rows(client, "/data/projekter.csv") if r["kommune"] == name]
    own = csv_rows(client, f"/data/{slug}/projekter.csv")
    assert own and own == national
    response = client.get(f"/data/{slug}/projekter.csv")
    assert response["Content-Disposition"] == f'attachment; filename="projekter-{slug}.csv"'


def test_an_unknown_municipality_has_no_files(client, demo):
    for path in ("/data/ingensteds/360giving.json", "/data/ingensteds/projekter.csv"):
        assert client.get(path).status_code == 404


def test_a_municipality_without_grants_has_no_files_and_is_not_listed(client, demo):
    """360Giving has no empty package: a municipality publishes once it has funded a project."""
    Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="999")
    for path in ("/data/testrup/360giving.json", "/data/testrup/projekter.csv"):
        assert client.get(path).status_code == 404
    assert "/data/testrup/" not in client.get("/data/").content.decode()


def test_the_data_page_lists_each_municipalitys_files(client, demo):
    page = client.get("/data/").content.decode()
    for slug in SLUGS:
        for name in ("360giving.json", "projekter.csv"):
            url = f"/data/{slug}/{name}"
            assert f'href="{url}"' in page, url
            assert client.get(url).status_code == 200
    assert re.search(r"Frederiksberg Kommune</th>", page)


def test_a_municipalitys_download_reads_in_chunks_like_the_national_one(
    make_application, monkeypatch
):
    """Flat memory: a municipality's file is read chunk by chunk like the national one,
    with the same queries per chunk, and never another municipality's rows."""
    projects = many_projects(make_application, 7)
    municipality = projects[0].municipality
    monkeypatch.setattr(grants.opendata_rows, "CHUNK", 2)
    chunks = 4  # 2 + 2 + 2 + 1 projects
    assert count_queries(lambda: csv_stream(municipality=municipality)) == 5 + chunks * (
        CSV_QUERIES - 5
    )
    assert count_queries(lambda: giving_stream(municipality=municipality)) == 5 + chunks * (
        GIVING_QUERIES - 5
    )
    other = Municipality.objects.create(name="Andrup Kommune", slug="andrup", code="998")
    assert json.loads("".join(giving_stream(municipality=other)))["grants"] == []


# --- award dates -------------------------------------------------------------------------


def decision_of(grant: dict) -> Decision:
    return Decision.objects.select_related("application__pool").get(
        application_id=int(grant["id"].rsplit("-", 1)[1])
    )


@pytest.mark.parametrize(
    "url", ["/data/360giving.json", *(f"/data/{s}/360giving.json" for s in SLUGS)]
)
def test_every_award_date_is_its_decisions_date_and_none_is_today(client, demo, url):
    """No placeholder: not the day the demo was loaded (today, in the tests), nor the day
    a decision was recorded when the committee met on another day. Where the seed names the
    meeting (Copenhagen's § 18 grants, seed 001) that is the date."""
    today = timezone.localdate()
    grants = giving(client, url)["grants"]
    assert grants
    for grant in grants:
        decision = decision_of(grant)
        assert grant["awardDate"] == decision.decided_on.isoformat(), grant["title"]
        assert grant["awardDate"] != today.isoformat(), grant["title"]
        assert grant["awardDate"] != timezone.localdate(decision.recorded_at).isoformat()
        if decision.meeting_date is not None:
            assert grant["awardDate"] == decision.meeting_date.isoformat()
        for transaction in grant["commitmentTransaction"]:
            assert transaction["transactionDate"] == grant["awardDate"]
    section_18 = [g for g in grants if "frivilligt socialt arbejde" in g["title"]]
    assert all(g["awardDate"] == "2018-11-14" for g in section_18)


def test_a_grant_decided_in_the_portal_has_the_meeting_date_staff_entered(
    staff_client, make_recommended, django_capture_on_commit_callbacks, client
):
    """Decided through the staff's decision form: the award date is the meeting date they
    entered, in the 360Giving file and the CSV, not the day they recorded it (today)."""
    application = make_recommended({2026: "40000"})
    meeting = timezone.localdate() - datetime.timedelta(days=9)
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="40.000",
        meeting_date=meeting.isoformat(),
    )
    assert response.status_code == 200
    slug = application.municipality.slug
    (grant,) = giving(client, f"/data/{slug}/360giving.json")["grants"]
    assert grant["awardDate"] == meeting.isoformat()
    (row,) = csv_rows(client, f"/data/{slug}/projekter.csv")
    assert row["afgoerelsesdato"] == meeting.isoformat()
