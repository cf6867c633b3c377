"""How the open-data downloads are put together at scale (grants/opendata.py,
grants/opendata_rows.py): every related row of a project in its place, chunk boundaries that
change nothing, and a number of queries that grows with the chunks, not with the projects.
What the files mean to a reuser is tested in tests/test_opendata.py."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import grants.opendata_rows
from demo.scale import generate
from grants.models import Application, ApplicationStatus, CarryOver, Decision
from grants.opendata import csv_stream, giving_stream
from policies.models import Goal, GoalKind
from portal.models import Committee, Department
from tests.test_opendata import errors, fund, validator  # noqa: F401 (validator is a fixture)

BASE = "http://testserver"  # the test client's host: PORTAL_BASE_URL is not set


def download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def csv_rows(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(client, "/data/projekter.csv"), newline="")))


def grants_by_title(client) -> dict[str, dict]:
    return {g["title"]: g for g in json.loads(download(client, "/data/360giving.json"))["grants"]}


@pytest.fixture
def rich_project(make_application, make_pool, policy, committee, department):
    """A project with two allocations, three goals, two co-committees, two carry-overs and
    two SDGs, decided at a meeting."""
    make_pool(2025, budget=None)
    make_pool(2026)
    make_pool(2027)
    application = make_application(
        title="Sprog og job",
        purpose="Flere i job",
        amounts={2026: "100000", 2027: "50000.50"},
    )
    fund(application)
    Decision.objects.filter(application=application).update(meeting_date=datetime.date(2026, 3, 5))
    goals = [
        Goal.objects.create(policy=policy, kind=GoalKind.RESOURCE, number=1, title="Frivillige"),
        Goal.objects.get(policy=policy, kind=GoalKind.OBJECTIVE, number=1),
        Goal.objects.create(policy=policy, kind=GoalKind.OBJECTIVE, number=2, title="Sund"),
    ]
    application.goals.set(goals)
    municipality = committee.municipality
    application.co_committees.set(
        [
            Committee.objects.create(
                municipality=municipality, name="Kulturudvalget", abbreviation="KFU"
            ),
            Committee.objects.create(
                municipality=municipality, name="Beskæftigelse", abbreviation="BU"
            ),
        ]
    )
    application.sdgs.set([8, 4])
    pools = {pool.year: pool for pool in municipality.pools.all()}
    CarryOver.objects.create(
        application=application,
        from_pool=pools[2026],
        to_pool=pools[2027],
        amount=Decimal("2500.50"),
    )
    CarryOver.objects.create(application=application, from_pool=pools[2025], to_pool=pools[2026])
    application.refresh_from_db()
    return application


def test_csv_has_every_allocation_and_carry_over_of_a_project(client, rich_project):
    rows = csv_rows(client)
    url = f"{BASE}/projekter/{rich_project.pk}/"
    common = {
        "projekt_id": str(rich_project.pk),
        "kommune": "Testrup Kommune",
        "kommunekode": "999",
        "politik": "Integrationspolitik 2025-2028",
        "indsats": "Sprog og job",
        "udvalg": "SU/BU/KFU",
        "afdeling": "Center for Integration",
        "maal": "Mål 1: Er i job | Mål 2: Sund | Ressource 1: Frivillige",
        "maalgruppe": "",
        "status": "Igangværende",
        "url": url,
        "afgoerelsesdato": "2026-03-05",  # the committee's meeting date
    }
    assert rows == [
        common
        | {
            "pulje": "Integrationspuljen 2026",
            "aar": "2026",
            "type": "bevilling",
            "beloeb_kr": "100000.00",
        },
        common
        | {
            "pulje": "Integrationspuljen 2027",
            "aar": "2027",
            "type": "bevilling",
            "beloeb_kr": "50000.50",
        },
        common
        | {
            "pulje": "Integrationspuljen 2025",
            "aar": "2026",
            "type": "restmidler",
            "beloeb_kr": "",
        },
        common
        | {
            "pulje": "Integrationspuljen 2026",
            "aar": "2027",
            "type": "restmidler",
            "beloeb_kr": "2500.50",
        },
    ]


def test_360giving_has_every_allocation_goal_and_sdg_of_a_project(client, rich_project, validator):  # noqa: F811
    package = json.loads(download(client, "/data/360giving.json"))
    assert errors(validator, package) == []
    identifier = f"360G-integrationsportalen-999-{rich_project.pk}"
    org_id = "360G-integrationsportalen-kommune-999"  # no CVR number entered
    places = [
        {
            "id": "DK-KOMMUNEKODE-999",
            "name": "Testrup Kommune",
            "description": "Kommune (Danmarks Statistiks kommunekode)",
            "geoCode": "999",
            "countryCode": "DK",
        }
    ]  # 999 is no real municipality, so it has no region
    vocabulary = "Integrationspolitik 2025-2028, Testrup Kommune"
    assert package["grants"] == [
        {
            "id": identifier,
            "title": "Sprog og job",
            "description": "Flere i job",
            "currency": "DKK",
            "amountAppliedFor": 150000.5,
            "amountAwarded": 150000.5,
            "awardDate": "2026-03-05",
            "url": f"{BASE}/projekter/{rich_project.pk}/",
            "plannedDates": [{"startDate": "2026-01-01", "endDate": "2027-12-31", "duration": 24}],
            "recipientOrganization": [
                {
                    "id": org_id,
                    "name": "Testrup Kommune",
                    "department": "Center for Integration",
                    "addressCountry": "DK",
                    "location": places,
                }
            ],
            "fundingOrganization": [
                {"id": org_id, "name": "Testrup Kommune", "department": "Socialudvalget"}
            ],
            "grantProgramme": [
                {
                    "code": "testrup-2026",
                    "title": "Integrationspuljen 2026",
                    "url": f"{BASE}/puljer/testrup/2026/",
                }
            ],
            "classifications": [
                {"vocabulary": vocabulary, "code": "objective-1", "title": "Er i job"},
                {"vocabulary": vocabulary, "code": "objective-2", "title": "Sund"},
                {"vocabulary": vocabulary, "code": "resource-1", "title": "Frivillige"},
                {
                    "vocabulary": "UN Sustainable Development Goals",
                    "code": "4",
                    "title": "Kvalitetsuddannelse",
                },
                {
                    "vocabulary": "UN Sustainable Development Goals",
                    "code": "8",
                    "title": "Anstændige jobs og økonomisk vækst",
                },
            ],
            "commitmentTransaction": [
                {
                    "id": f"{identifier}-2026",
                    "transactionDate": "2026-03-05",
                    "value": 100000,
                    "currency": "DKK",
                    "description": "Integrationspuljen 2026",
                },
                {
                    "id": f"{identifier}-2027",
                    "transactionDate": "2026-03-05",
                    "value": 50000.5,
                    "currency": "DKK",
                    "description": "Integrationspuljen 2027",
                },
            ],
            "beneficiaryLocation": places,
            "dateModified": rich_project.updated_at.isoformat(),
            "dataSource": f"{BASE}/data/",
        }
    ]


def test_a_project_without_committee_or_meeting_date(client, make_application):
    project = fund(make_application(title="Uden udvalg", description="Beskrivelsen"))
    Application.objects.filter(pk=project.pk).update(committee=None)
    recorded_at = Decision.objects.get(application=project).recorded_at
    row = next(r for r in csv_rows(client) if r["indsats"] == "Uden udvalg")
    assert row["udvalg"] == ""
    grant = grants_by_title(client)["Uden udvalg"]
    assert grant["fundingOrganization"] == [
        {"id": "360G-integrationsportalen-kommune-999", "name": "Testrup Kommune"}
    ]
    # Imported from a source without a meeting date: 1 January of the pool's year.
    assert grant["awardDate"] == f"{project.pool.year}-01-01"
    assert grant["description"] == "Beskrivelsen"
    assert grant["amountAppliedFor"] == grant["amountAwarded"] == 100000
    # Decided in the portal without a meeting date: the day the decision was recorded.
    Decision.objects.filter(application=project).update(source="")
    grant = grants_by_title(client)["Uden udvalg"]
    assert grant["awardDate"] == timezone.localtime(recorded_at).date().isoformat()


def test_both_downloads_are_in_danish_whatever_language_the_visitor_chose(client, rich_project):
    danish = [download(client, "/data/projekter.csv"), download(client, "/data/360giving.json")]
    client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
    english = [download(client, "/data/projekter.csv"), download(client, "/data/360giving.json")]
    assert english == danish
    assert "Ressource 1: Frivillige" in danish[0]
    assert "Kvalitetsuddannelse" in danish[1]


def many_projects(make_application, n: int) -> list[Application]:
    """n funded projects with hidden applications between them; every third was funded
    with an amount the source does not state, so neither file has a line for it."""
    funded = []
    for i in range(n):
        make_application(title=f"Kladde {i}", status=ApplicationStatus.DRAFT)
        amounts = {2026: "0"} if i % 3 == 1 else {2026: f"{1000 + i}"}
        funded.append(fund(make_application(title=f"Projekt {i}", amounts=amounts)))
        make_application(title=f"Afslået {i}", status=ApplicationStatus.REJECTED)
    return funded


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_chunk_boundaries_change_nothing(client, make_application, monkeypatch, validator, chunk):  # noqa: F811
    projects = many_projects(make_application, 7)
    whole = [download(client, "/data/projekter.csv"), download(client, "/data/360giving.json")]
    monkeypatch.setattr(grants.opendata_rows, "CHUNK", chunk)
    chunked = [download(client, "/data/projekter.csv"), download(client, "/data/360giving.json")]
    assert chunked == whole
    package = json.loads(chunked[1])
    assert errors(validator, package) == []
    with_amounts = [p for i, p in enumerate(projects) if i % 3 != 1]
    assert [g["title"] for g in package["grants"]] == [p.title for p in with_amounts]
    rows = list(csv.DictReader(io.StringIO(chunked[0], newline="")))
    assert [int(r["projekt_id"]) for r in rows] == [p.pk for p in with_amounts]


def test_a_chunk_reads_no_rows_of_hidden_applications_between_its_projects(make_application):
    projects = many_projects(make_application, 3)
    first, last = projects[0].pk, projects[-1].pk
    hidden = Application.objects.filter(pk__gt=first, pk__lt=last).exclude(
        pk__in=[p.pk for p in projects]
    )
    assert hidden.count() == 4  # a draft and a rejected application between each two
    for name in grants.opendata_rows.RELATIONS:
        rows = grants.opendata_rows.related_rows(name, first, last)
        assert {row["application_id"] for row in rows} <= {p.pk for p in projects}, name
    requested = grants.opendata_rows.related_rows("requested_amounts", first, last)
    assert len(requested) == 3


def test_a_chunk_with_no_grant_leaves_valid_json(client, make_application, monkeypatch, validator):  # noqa: F811
    """The first chunks have only projects of unknown amount: no stray comma follows."""
    for i in range(4):
        fund(make_application(title=f"Ukendt {i}", amounts={2026: "0"}))
    fund(make_application(title="Kendt"))
    monkeypatch.setattr(grants.opendata_rows, "CHUNK", 2)
    package = json.loads(download(client, "/data/360giving.json"))
    assert errors(validator, package) == []
    assert [g["title"] for g in package["grants"]] == ["Kendt"]


def test_an_empty_portal_gives_a_header_and_an_empty_package(client, db):
    """(The package schema wants at least one grant; an empty portal cannot give one.)"""
    assert download(client, "/data/projekter.csv").startswith("projekt_id,kommune,")
    assert len(csv_rows(client)) == 0
    package = json.loads(download(client, "/data/360giving.json"))
    assert package["grants"] == []
    assert package["version"] == "1.4"


def test_a_project_funded_while_the_download_runs_gets_its_department(
    make_application, municipality, monkeypatch
):
    fund(make_application(title="Først"))
    monkeypatch.setattr(grants.opendata_rows, "CHUNK", 1)
    stream = csv_stream()
    pieces = [next(stream), next(stream)]  # the header and the first project
    later = make_application(title="Siden")
    department = Department.objects.create(municipality=municipality, name="Jobcenteret")
    Application.objects.filter(pk=later.pk).update(department=department)
    fund(later)
    pieces += list(stream)
    rows = list(csv.DictReader(io.StringIO("".join(pieces), newline="")))
    assert [(r["indsats"], r["afdeling"]) for r in rows] == [
        ("Først", "Center for Integration"),
        ("Siden", "Jobcenteret"),
    ]


# --- Queries ---------------------------------------------------------------------------

# Per download: the municipalities, pools, departments, organisations and committees once;
# per chunk: the projects and one query per related table (CSV: co-committees, goals,
# allocations, carry-overs, decisions, requested amounts; 360Giving: decisions, requested
# amounts, goals, SDGs, allocations, carry-overs).
CSV_QUERIES = 5 + 1 + 6
GIVING_QUERIES = 5 + 1 + 6


def count_queries(stream) -> int:
    with CaptureQueriesContext(connection) as queries:
        for _piece in stream():
            pass
    return len(queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_projects(django_assert_max_num_queries):
    generate(municipalities=1, years=2, per_year=4, first_year=2016)
    small = {stream: count_queries(stream) for stream in (csv_stream, giving_stream)}
    generate(municipalities=3, years=3, per_year=30, first_year=2016)  # many times more
    assert Application.objects.filter(status__in=["approved", "active", "closed"]).count() > 50
    large = {stream: count_queries(stream) for stream in (csv_stream, giving_stream)}
    assert large == small
    with django_assert_max_num_queries(CSV_QUERIES):
        count_queries(csv_stream)
    with django_assert_max_num_queries(GIVING_QUERIES):
        count_queries(giving_stream)


def test_query_counts_grow_with_the_chunks(make_application, monkeypatch):
    many_projects(make_application, 7)
    monkeypatch.setattr(grants.opendata_rows, "CHUNK", 2)
    chunks = 4  # 2 + 2 + 2 + 1 projects; the last, short chunk ends the download
    assert count_queries(csv_stream) == 5 + chunks * (CSV_QUERIES - 5)
    assert count_queries(giving_stream) == 5 + chunks * (GIVING_QUERIES - 5)
