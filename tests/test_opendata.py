"""What machines read: open data (/data/, projekter.csv, 360giving.json) as a reuser would,
the sitemap and robots.txt, and every public page's title, description, canonical link and
language."""

import copy
import csv
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grants.models import Allocation, Application, ApplicationStatus, CarryOver
from grants.services.decisions import do_import_funded_application
from policies.models import Goal
from tests.sitemap_files import sitemap_addresses

# The 360Giving schemas (CC BY 4.0), kept in the repository: grants/schemas/360giving/README.md
STANDARD = Path(settings.BASE_DIR) / "grants" / "schemas" / "360giving"
FUNDED = [ApplicationStatus.APPROVED, ApplicationStatus.ACTIVE, ApplicationStatus.CLOSED]
HIDDEN = [status for status in ApplicationStatus if status not in FUNDED]


def fund(application: Application) -> Application:
    amounts = {row.year: row.amount for row in application.requested_amounts.all()}
    do_import_funded_application(application_id=application.pk, amounts=amounts, source="test")
    application.refresh_from_db()
    return application


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return b"".join(response.streaming_content)


def csv_rows(client) -> list[dict]:
    content = download(client, "/data/projekter.csv").decode("utf-8")  # must be UTF-8
    return list(csv.DictReader(io.StringIO(content, newline="")))


def giving(client) -> dict:
    return json.loads(download(client, "/data/360giving.json"))


@pytest.fixture(scope="module")
def validator():
    grant_schema = json.loads((STANDARD / "360-giving-schema.json").read_text("utf-8"))
    package_schema = json.loads((STANDARD / "360-giving-package-schema.json").read_text("utf-8"))
    resource = DRAFT202012.create_resource(grant_schema)
    # The package refers to the 1.4.2 grant schema; the grant schema calls itself 1.4.3.
    package_ref = package_schema["properties"]["grants"]["items"]["$ref"]
    assert package_ref != grant_schema["$id"]
    registry = Registry().with_resources([(grant_schema["$id"], resource), (package_ref, resource)])
    return Draft202012Validator(
        package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator, package) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


# --- /data/ ----------------------------------------------------------------------------


def test_data_page_documents_every_csv_column(client, demo):
    html = client.get("/data/").content.decode()
    header = next(csv.reader(io.StringIO(download(client, "/data/projekter.csv").decode())))
    documented = re.findall(r"<tr><td><code>(\w+)</code></td><td>([^<]+)</td></tr>", html)
    assert [name for name, _meaning in documented] == header
    assert all(meaning.strip() for _name, meaning in documented)
    for url in ("/data/projekter.csv", "/data/projekter.xlsx", "/data/360giving.json"):
        assert f'href="{url}"' in html
    for url in ("/api/v1/", "/api/v1/docs/", "/api/v1/openapi.json", "/data/katalog.jsonld"):
        assert f'href="{url}"' in html
    assert "CC BY 4.0" in html


# --- projekter.csv ---------------------------------------------------------------------


def test_csv_is_utf8_text_with_danish_letters(client, demo):
    response = client.get("/data/projekter.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="projekter.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert "Åben Rådgivning".encode() in content
    assert "Københavns".encode() in content  # Copenhagen's § 18 grantees


def test_csv_amounts_are_the_allocations_in_the_database(client, demo):
    rows = csv_rows(client)
    grants = [row for row in rows if row["type"] == "bevilling"]
    in_csv = {(int(r["projekt_id"]), int(r["aar"])): Decimal(r["beloeb_kr"]) for r in grants}
    in_db = {
        (a.application_id, a.pool.year): a.amount for a in Allocation.objects.select_related("pool")
    }
    assert in_csv == in_db
    per_year = defaultdict(Decimal)
    for row in grants:
        if row["kommune"] == "Frederiksberg Kommune":
            per_year[row["aar"]] += Decimal(row["beloeb_kr"])
    # The action plan's 722.000 and 700.000 kr. minus the 40.000 kr. reserved each year.
    assert per_year == {"2021": Decimal("682000"), "2022": Decimal("660000")}


def test_csv_has_carry_over_rows_with_empty_amount(client, demo):
    carried = [row for row in csv_rows(client) if row["type"] == "restmidler"]
    assert len(carried) == CarryOver.objects.count() == 6
    assert {row["beloeb_kr"] for row in carried} == {""}
    assert {row["aar"] for row in carried} == {"2021"}
    assert {row["pulje"] for row in carried} == {"Integrationspuljen 2020"}
    titles = {row["indsats"] for row in carried}
    assert {"Esport for Mangfoldighed", "Udstyrspulje til borgere med fritidspas"} <= titles


def test_csv_describes_each_project(client, demo):
    rows = [r for r in csv_rows(client) if r["indsats"] == "Åben Rådgivning"]
    assert [(r["aar"], r["type"], r["beloeb_kr"]) for r in rows] == [
        ("2021", "bevilling", "75000.00"),
        ("2022", "bevilling", "75000.00"),
        ("2021", "restmidler", ""),
    ]
    row = rows[0]
    project = Application.objects.get(title="Åben Rådgivning")
    assert row["kommune"] == "Frederiksberg Kommune"
    assert row["kommunekode"] == "147"
    assert row["udvalg"] == "SU/KFU"
    # The goal's one name, as every page gives it (fresh eyes round 31).
    assert row["maal"].startswith("Mål 1: Aktive på arbejdsmarkedet | ")
    assert row["status"] == "Igangværende"
    assert row["url"].endswith(f"/projekter/{project.pk}/")


@pytest.mark.parametrize(
    "status", [s for s in ApplicationStatus if s not in ("approved", "active", "closed")]
)
def test_unfunded_applications_are_not_in_the_open_data(client, make_application, status):
    fund(make_application(title="Bevilget projekt"))
    hidden = make_application(title=f"Ikke offentlig {status}", status=status)
    csv_text = download(client, "/data/projekter.csv").decode()
    json_text = download(client, "/data/360giving.json").decode()
    for content in (csv_text, json_text):
        assert "Bevilget projekt" in content
        assert hidden.title not in content
        assert f"/projekter/{hidden.pk}/" not in content


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://example.com","Klik")', "+45 nye borgere", "-1+1", "@SUM(1+1)"]
)
def test_csv_cells_cannot_start_a_spreadsheet_formula(client, make_application, title):
    fund(make_application(title=title, target_group="=1+1"))
    """A title starting like a formula must not run in Excel or LibreOffice (OWASP CSV
    injection): the cell gets a leading apostrophe and keeps its text."""
    row = next(r for r in csv_rows(client) if title in r["indsats"])
    for column in ("indsats", "maalgruppe"):
        assert row[column][:1] not in {"=", "+", "-", "@", "\t", "\r"}, row[column]
    assert row["indsats"] == "'" + title
    assert row["maalgruppe"] == "'=1+1"


def test_csv_is_the_same_whatever_language_the_visitor_chose(client, demo):
    danish = download(client, "/data/projekter.csv")
    client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
    assert download(client, "/data/projekter.csv") == danish


# --- 360giving.json --------------------------------------------------------------------


def test_360giving_validates_against_the_package_schema(client, demo, make_application, validator):
    fund(make_application(title="Testrup-projekt", amounts={2026: "12345.50"}))
    package = giving(client)
    assert errors(validator, package) == []
    assert package["version"] == "1.4"
    # 8 Frederiksberg grants with amounts, Copenhagen's 5 § 18 grants, Testrup's
    assert len(package["grants"]) == 14


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("currency", "KRONER"),  # note: "XXX" is in the standard's ISO 4217 list, so it passes
        ("awardDate", "21.11.2026"),
        ("amountAwarded", "150000"),
        ("id", None),
    ],
)
def test_a_broken_grant_fails_the_validation(client, demo, validator, field, value):
    package = giving(client)
    broken = copy.deepcopy(package)
    if value is None:
        del broken["grants"][0][field]
    else:
        broken["grants"][0][field] = value
    assert errors(validator, package) == []
    assert errors(validator, broken) != [], "the broken grant passed"


def test_validation_needs_format_checking_for_dates(client, demo, validator):
    """Without the date-time format asserted, a plain date matches both branches of oneOf."""
    package = giving(client)
    unchecked = validator.evolve(format_checker=None)
    assert list(unchecked.iter_errors(package)) != []
    assert errors(validator, package) == []


def test_360giving_amounts_are_the_allocations(client, demo):
    grants = giving(client)["grants"]
    for grant in grants:
        pk = int(grant["id"].rsplit("-", 1)[1])
        allocations = Allocation.objects.filter(application_id=pk).select_related("pool")
        in_db = sum(a.amount for a in allocations)
        transactions = grant["commitmentTransaction"]
        assert Decimal(str(grant["amountAwarded"])) == in_db
        assert sum(Decimal(str(t["value"])) for t in transactions) == in_db
        assert {t["id"].rsplit("-", 1)[1] for t in transactions} == {
            str(a.pool.year) for a in allocations
        }
        assert all(t["currency"] == "DKK" for t in transactions)
    total_2021 = sum(
        Decimal(str(t["value"]))
        for g in grants
        for t in g["commitmentTransaction"]
        if t["id"].endswith("-2021")
    )
    # Frederiksberg 682.000 + Copenhagen's § 18 grants for 2021 (100.000 + 160.000 + 185.000)
    assert total_2021 == Decimal("1127000")


def test_360giving_has_goals_as_classifications_and_the_pool_as_programme(client, demo):
    grants = {grant["title"]: grant for grant in giving(client)["grants"]}
    assert "Esport for Mangfoldighed" not in grants  # only carry-over of unknown amount
    grant = grants["Kvinder i job"]
    assert grant["currency"] == "DKK"
    assert grant["amountAwarded"] == 150000
    assert grant["fundingOrganization"][0]["name"] == "Frederiksberg Kommune"
    # The department is part of its municipality's legal entity (grants/opendata_orgs.py).
    recipient = grant["recipientOrganization"][0]
    assert (recipient["name"], recipient["department"]) == (
        "Frederiksberg Kommune",
        "Center for Integration",
    )
    assert grant["grantProgramme"] == [
        {
            "code": "frederiksberg-2021",
            "title": "Integrationspuljen 2021",
            "url": "http://testserver/puljer/frederiksberg/2021/",  # the request's host
        }
    ]
    goals = [c for c in grant["classifications"] if c["vocabulary"].startswith("Integrations")]
    assert [(c["code"], c["title"]) for c in goals] == [
        ("objective-1", "Er aktive på arbejdsmarkedet"),
        ("objective-2", "Gennemfører en ungdoms- og videreuddannelse"),
        ("objective-3", "Har et sundt liv"),
        ("objective-4", "Er aktive medborgere"),
    ]
    assert goals[0]["vocabulary"] == "Integrationspolitik 2019-2022, Frederiksberg Kommune"
    two_years = grants["Dansk sproglig opkvalificering af unge"]
    assert two_years["plannedDates"] == [
        {"startDate": "2021-01-01", "endDate": "2022-12-31", "duration": 24}
    ]
    assert [t["value"] for t in two_years["commitmentTransaction"]] == [150000, 120000]
    assert unescape(grant["url"]).endswith(f"/projekter/{grant['id'].rsplit('-', 1)[1]}/")


def test_360giving_planned_dates_cover_the_years_on_carried_over_money(client, demo):
    """Fresh eyes round 22: a project granted for 2022 that ran in 2021 on money carried
    over from 2020 was planned for 2022 only."""
    carried = {
        c.application_id: c.to_pool.year for c in CarryOver.objects.select_related("to_pool")
    }
    grants = {g["id"].rsplit("-", 1)[1]: g for g in giving(client)["grants"]}
    checked = 0
    for application_id, year in carried.items():
        grant = grants.get(str(application_id))
        if grant is None:
            continue  # only carried-over money of unknown amount: not in the file
        planned = grant["plannedDates"][0]
        assert planned["startDate"] <= f"{year}-01-01", application_id
        assert planned["endDate"] >= f"{year}-12-31", application_id
        checked += 1
    assert checked >= 3


def test_360giving_carries_no_private_data(client, demo):
    content = download(client, "/data/360giving.json").decode()
    assert "@" not in content.replace("@context", "")
    assert "email" not in content.lower()
    assert "telephone" not in content.lower()


# --- For search engines: sitemap.xml and robots.txt -----------------------------------


def test_sitemap_lists_catalogue_projects_and_goals_but_not_hidden(client, demo, make_application):
    hidden = [make_application(title=f"Skjult {s}", status=s) for s in HIDDEN]
    addresses = sitemap_addresses(client)
    assert all(address.startswith("http://testserver/") for address in addresses)
    locations = {address.removeprefix("http://testserver") for address in addresses}
    assert {"/", "/projekter/", "/puljer/", "/politikker/", "/data/"} <= locations
    funded = Application.objects.filter(status__in=FUNDED)
    assert {f"/projekter/{pk}/" for pk in funded.values_list("pk", flat=True)} <= locations
    assert {f"/politikker/maal/{pk}/" for pk in Goal.objects.values_list("pk", flat=True)} <= (
        locations
    )
    assert "/puljer/frederiksberg/2021/" in locations
    assert "/politikker/koebenhavn/integrationspolitik-2019-2022/" in locations
    for application in hidden:
        assert f"/projekter/{application.pk}/" not in locations


def test_robots_keeps_search_engines_out_of_staff_pages(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /mine/" in lines
    assert "Disallow: /sekretariat/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /projekter/" not in lines


# --- What search engines and browsers read on every page -----------------------------


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def public_pages() -> dict[str, str]:
    goal = Goal.objects.get(policy__municipality__slug="koebenhavn", kind="objective", number=1)
    return {
        "front page": "/",
        "catalogue": "/projekter/",
        "project": f"/projekter/{Application.objects.get(title='Kvinder i job').pk}/",
        "pools": "/puljer/",
        "pool": "/puljer/frederiksberg/2021/",
        "policies": "/politikker/",
        "policy": "/politikker/frederiksberg/integrationspolitik-2019-2022/",
        "goal": f"/politikker/maal/{goal.pk}/",
        "data": "/data/",
        "accessibility": "/tilgaengelighed/",
    }


def test_every_public_page_has_title_description_canonical_and_language(client, demo):
    titles = set()
    for name, url in public_pages().items():
        html = page(client, url)
        assert '<html lang="da">' in html, name
        title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
        assert title and title.group(1).strip().endswith("Integrationsportalen"), name
        titles.add(title.group(1))
        description = re.search(r'<meta name="description" content="([^"]*)"', html)
        assert description and len(description.group(1).strip()) > 20, name
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, name
        assert html.count("<h1") == 1, name
    assert len(titles) == len(public_pages())  # each page has its own title


def test_canonical_link_drops_the_filters(client, demo):
    html = page(client, "/projekter/?kommune=frederiksberg&side=1")
    assert '<link rel="canonical" href="http://testserver/projekter/">' in html


def test_english_keeps_the_same_addresses(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/projekter/"})
    assert response.status_code == 302
    assert response["Location"] == "/projekter/"
    for name, url in public_pages().items():
        html = page(client, url)
        assert '<html lang="en">' in html, name
    assert client.get("/en/projekter/").status_code == 404
    client.post("/i18n/setlang/", {"language": "da", "next": "/"})
    assert '<html lang="da">' in page(client, "/projekter/")


TRANSLATED = {
    "catalogue": ("Projekter finansieret af integrationspuljerne", "Projects funded by the"),
    "pools": ("Bevilget og reserveret", "Granted and reserved"),
    "data": ("Kolonnerne i projekter.csv", "The columns in projekter.csv"),
    "policies": ("Integrationspolitikker", "Integration policies"),
    "project": ("Penge fra puljen", "Money from the pool"),
}


@pytest.mark.parametrize("name", TRANSLATED)
def test_public_pages_are_translated_to_english(client, demo, name):
    url = public_pages()[name]
    danish, english = TRANSLATED[name]
    assert danish in page(client, url)
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    html = page(client, url)
    assert danish not in html
    assert english in html


def test_english_catalogue_counts_and_carry_over(client, demo):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "<strong>11 projects</strong>" in page(client, "/projekter/?kommune=frederiksberg")
    udstyr = Application.objects.get(title="Udstyrspulje til borgere med fritidspas")
    html = page(client, f"/projekter/{udstyr.pk}/")
    assert "Carry-over from 2020" in html
    assert "the amount is not stated" in html


def test_data_page_explains_the_columns_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
    html = page(client, "/data/")
    assert "The columns in projekter.csv" in html
    assert "Projektets titel" not in html
    assert "Kommunens navn" not in html


# --- projekter.xlsx --------------------------------------------------------------------


def xlsx(client):
    from openpyxl import load_workbook

    response = client.get("/data/projekter.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="projekter.xlsx"'
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_xlsx_has_the_csv_rows_with_numbers_as_numbers_and_dates_as_dates(client, demo):
    import datetime

    workbook = xlsx(client)
    sheet = workbook["Projekter"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    csv_content = csv_rows(client)
    assert list(header) == list(csv_content[0].keys())
    assert len(body) == len(csv_content)
    columns = {name: n for n, name in enumerate(header)}
    row = next(r for r in body if r[columns["indsats"]] == "Åben Rådgivning")
    assert row[columns["beloeb_kr"]] == 75000 and isinstance(row[columns["beloeb_kr"]], int)
    assert isinstance(row[columns["aar"]], int) and isinstance(row[columns["projekt_id"]], int)
    assert row[columns["afgoerelsesdato"]] == datetime.datetime(2021, 1, 1)
    assert row[columns["kommune"]] == "Frederiksberg Kommune"
    carried = [r for r in body if r[columns["type"]] == "restmidler"]
    assert {r[columns["beloeb_kr"]] for r in carried} == {None}  # not stated: an empty cell
    amount_cell = sheet.cell(row=2, column=columns["beloeb_kr"] + 1)
    assert amount_cell.number_format == (
        '#,##0.00 "kr."' if amount_cell.value % 1 else '#,##0 "kr."'
    )
    about = list(workbook["Kolonner"].iter_rows(values_only=True))
    assert ("Licens", "CC BY 4.0") in about
    # The sheet describes what it shows, not the CSV's text form (fresh eyes round 22).
    meanings = dict(about[1:])
    assert "punktum" not in meanings["beloeb_kr"] and "ÅÅÅÅ" not in meanings["afgoerelsesdato"]


def test_xlsx_cells_cannot_start_a_formula(client, make_application):
    fund(make_application(title='=HYPERLINK("http://example.com","Klik")'))
    sheet = xlsx(client)["Projekter"]
    cells = [r[8] for r in sheet.iter_rows(min_row=2)]
    # The title as typed, in a text cell, which never runs (attack round 15: the
    # apostrophe showed in Excel as part of the title).
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://example.com","Klik")', "s")
    ]


def test_xlsx_is_built_once_per_version_of_the_public_data(client, demo, settings):
    from pathlib import Path

    directory = Path(settings.OPEN_DATA_FILES_DIR)
    first = xlsx(client)
    files = list(directory.glob("projekter-*.xlsx"))
    assert len(files) == 1
    built = files[0].stat().st_mtime_ns
    xlsx(client)
    assert files[0].stat().st_mtime_ns == built  # the same file, not built again
    project = Application.objects.get(title="Åben Rådgivning")
    project.title = "Åben Rådgivning for alle"
    project.save()  # public data changed: a new version
    titles = {row[8] for row in xlsx(client)["Projekter"].iter_rows(min_row=2, values_only=True)}
    assert "Åben Rådgivning for alle" in titles
    assert "Åben Rådgivning" not in titles
    assert list(directory.glob("projekter-*.xlsx")) != files  # the old version is gone
    assert len(list(directory.glob("projekter-*"))) == 1  # and no half-written file is left
    assert first["Projekter"]
