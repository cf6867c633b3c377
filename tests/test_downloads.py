"""Every download is safe to open in a spreadsheet.

The test walks the whole URL configuration, requests every address (arguments filled from
the demo data, as a visitor, a caseworker or committee staff, whoever gets an answer) and
decides from the answer which ones are downloads. Before that, every text field the
downloads could print holds a formula (`=HYPERLINK("http://evil")`, `+cmd`, `-1+1`,
`@SUM(1)`, `\\t=1`, ...). No cell of any CSV or Excel file may then start like a formula,
except the sums the Excel documents write on purpose.

A new download address fails `test_every_download_is_known` until it is added to DOWNLOADS
(and so checked here); a new address with an argument the test cannot fill fails too.
"""

import csv
import io
import json
import re
from itertools import cycle

import openpyxl
import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from grants.models import Application, ApplicationStatus, Pool, Report
from grants.services.attachments import do_add_attachment, do_add_report_attachment
from grants.services.drafts import do_create_draft
from grants.services.letters import issue_letters
from grants.services.messages import do_request_information, do_send_message
from indicators.models import Indicator
from portal.exports import Formula, csv_value, safe_cell, safe_text
from portal.models import Organisation, User
from worker.services import do_renew_calendar_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"text/csv": "csv", XLSX: "xlsx", "application/json": "json", "application/pdf": "pdf"}
KINDS |= {"text/calendar": "ics"}

# Every download address and what it is. CSV and Excel files are checked cell by cell; JSON
# (360Giving, an interface for programs) and PDF are not spreadsheets and keep the text as
# typed; attachments are the caseworker's own uploaded files (PDF, DOCX or XLSX), passed on
# unchanged (here a PDF).
DOWNLOADS = {
    "public:projects-csv": "csv",
    "public:projects-xlsx": "xlsx",
    "public:giving-json": "json",
    "public:municipality-projects-csv": "csv",
    "public:municipality-giving-json": "json",
    "barometer:indicator-csv": "csv",
    "mine:pdf": "pdf",
    "mine:attachment": "pdf",
    "sekretariat:attachment": "pdf",
    # An association's statutes: for its own people and its municipality's staff.
    "mine:organisation-document": "pdf",
    "sekretariat:organisation-document": "pdf",
    **dict.fromkeys(["mine:letter", "mine:message-attachment", "mine:report-attachment"], "pdf"),
    **dict.fromkeys(
        ["sekretariat:letter", "sekretariat:message-attachment", "sekretariat:report-attachment"],
        "pdf",
    ),
    "dokumenter:action-plan-pdf": "pdf",
    "dokumenter:action-plan-xlsx": "xlsx",
    "dokumenter:recommendation-pdf": "pdf",
    "dokumenter:recommendation-xlsx": "xlsx",
    "dokumenter:queue-xlsx": "xlsx",
    "dokumenter:queue-csv": "csv",
    "dokumenter:pool-xlsx": "xlsx",
    "dokumenter:pool-csv": "csv",
    "dokumenter:results-xlsx": "xlsx",
    # The staff's yearly-cycle feed for calendar programs (not a spreadsheet; its text is
    # escaped by icalendar and parsed in tests/test_yearly_cycle.py).
    "sekretariat:calendar-feed": "ics",
}

# The read API answers JSON for programs, like the 360Giving file: text exactly as typed.
# Its lists and rows print the planted text; its index, OpenAPI document and 404 have none.
API_JSON = {f"api:{n}" for n in ("projects", "project", "pools", "pool", "policies", "policy")}
API_JSON |= {"api:indicators", "api:indicator"}
API_PLAIN = {"api:root"}  # the OpenAPI document is application/vnd.oai.openapi+json
DOWNLOADS |= dict.fromkeys(API_JSON | API_PLAIN, "json")

HOSTILE = ['=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)", "\t=1", " =1+1"]
SHORT_HOSTILE = ["=1+1", "+cmd", "-1+1", "@A1", "\t=1", " =1"]  # for short fields
# Fields that are not free text: addresses, codes, secrets, the file's checked type.
NOT_TEXT = {"slug", "code", "website", "url", "password", "username", "email", "content_type"}
NOT_TEXT |= {"phone", "file", "stored_status"}  # stored_status: a code the portal writes

FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r", "\n")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
# The formulas grants/documents/excel.py writes: sums and differences of cells.
OWN_FORMULA = re.compile(r"=(SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+(-[A-Z]+\d+)?)")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


# --- the URL configuration -------------------------------------------------------------


def url_patterns(patterns=None, namespace=None, prefix=""):
    """(name, route, pattern) of every address except the Django admin's (no downloads)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            if entry.namespace == "admin":
                continue
            yield from url_patterns(entry.url_patterns, inner or None, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), entry


def argument_names(route: str) -> list[tuple[str, str]]:
    """[(argument, the literal path segment before it)] of a route."""
    found = []
    for match in re.finditer(r"<(?:\w+:)?(\w+)>", route):
        before = [s for s in re.split(r"<[^>]+>", route[: match.start()]) if s]
        segment = before[-1].strip("/").rsplit("/", 1)[-1] if before else ""
        found.append((match.group(1), segment))
    return found


def arguments(route: str, objects: dict) -> dict:
    kwargs = {}
    for name, segment in argument_names(route):
        key = name if name != "pk" else segment
        assert key in objects, (
            f"{route}: the download test does not know what <{name}> after '{segment}/' is; "
            "add it to `objects` in tests/test_downloads.py"
        )
        kwargs[name] = objects[key]
    return kwargs


# --- the data --------------------------------------------------------------------------


def plant_formulas() -> None:
    """Every free-text field of every row starts like a formula (plus the row's id, so
    unique names stay unique)."""
    fields = []
    for app in ("portal", "grants", "policies", "indicators"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and field.name not in NOT_TEXT
                ):
                    fields.append((model, field))
    long, short = cycle(HOSTILE), cycle(SHORT_HOSTILE)
    for model, field in fields:
        text = next(short if (field.max_length or 1000) < 40 else long)
        id_text = Cast("pk", models.CharField())
        model.objects.update(**{field.name: Concat(models.Value(text + " "), id_text)})
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def objects(demo, settings, tmp_path):
    """One of each object the addresses take, all visible to the Frederiksberg caseworker
    and committee staff; plus an attachment."""
    settings.MEDIA_ROOT = tmp_path
    owner = User.objects.get(username="frb-sagsbehandler")
    funded = (
        Application.objects.filter(department=owner.department, allocations__isnull=False)
        .select_related("pool__policy__municipality")
        .order_by("pk")
        .first()
    )
    pool = funded.pool
    open_pool = Pool.objects.get(is_example=True, municipality=owner.municipality)
    with_attachment = do_create_draft(pool_id=open_pool.pk, actor=owner)
    attachment = do_add_attachment(
        application=with_attachment, upload=SimpleUploadedFile("bilag.pdf", PDF), actor=owner
    )
    Application.objects.filter(pk=with_attachment.pk).update(
        title="Med bilag", status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    staff = User.objects.get(username="frb-sekretariat")
    info_request = do_request_information(
        application_id=with_attachment.pk, actor=staff, question="Hvor mange deltagere?"
    )
    letter = issue_letters(decision=funded.decision, actor=staff)[0]
    message = do_send_message(
        application_id=with_attachment.pk,
        actor=owner,
        text="Tilbud",
        uploads=[SimpleUploadedFile("tilbud.pdf", PDF)],
    )
    indicator = (
        Indicator.objects.filter(municipality=owner.municipality, measurements__isnull=False)
        .order_by("pk")
        .first()
    )
    goal = indicator.resolved_goal
    report = Report.objects.filter(application__municipality=owner.municipality).first()
    report_file = do_add_report_attachment(
        report_id=report.pk, upload=SimpleUploadedFile("regnskab.pdf", PDF), actor=owner
    )
    association = Organisation.objects.create(municipality=owner.municipality, name="Forening")
    for organisation in (association, User.objects.get(username="kbh-forening").organisation):
        organisation.statutes.save("vedtaegter.pdf", ContentFile(PDF))
    return {
        "projekter": funded.pk,
        "ansoegninger": funded.pk,
        "puljer": pool.pk,
        "pool_id": pool.pk,
        "handleplaner": pool.action_plan_id,
        "maal": goal.pk,
        "indikator": indicator.pk,
        "barometer": indicator.pk,
        "maalinger": indicator.pk,
        "measurement_pk": indicator.measurements.first().pk,
        "bilag": attachment.pk,
        "anmodninger": info_request.pk,
        "beskedfiler": message.attachments.get().pk,
        "rapportbilag": report_file.pk,
        "breve": letter.pk,
        "afrapportering": report.pk,
        "token": do_renew_calendar_token(
            actor=User.objects.get(username="frb-sekretariat")
        ).calendar_token,
        "kommune": pool.municipality.slug,
        "aar": pool.year,
        "slug": pool.policy.slug,
        "politikker": pool.policy_id,
        "politik": pool.policy_id,
        "soeg": pool.pk,
        "": pool.pk,  # a round of another scheme: /puljer/<kommune>/<aar>/<pk>/
        "indikatorer": indicator.pk,
        "rest": "findes-ikke/",
        "section": "projects",  # a section of the sitemap
        "person_id": User.objects.get(username="kbh-forening").pk,  # a colleague (POST only)
        "foreninger": association.pk,
        "document": "vedtaegter",
    }


def clients():
    """A visitor, a caseworker and committee staff of Frederiksberg, and an association's
    person; each request gets a fresh one (an address may log out)."""
    yield Client()
    for username in ("frb-sagsbehandler", "frb-sekretariat", "kbh-forening"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        yield client


def first_answer(url: str):
    """The first 200 answer of a visitor, a caseworker or staff; None if no one gets one."""
    for client in clients():
        response = client.get(url)
        if response.status_code == 200:
            return response
    return None


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def kind_of(response) -> str | None:
    content_type = response["Content-Type"].split(";")[0].strip()
    if content_type in KINDS:
        return KINDS[content_type]
    if "attachment" in response.get("Content-Disposition", ""):
        return "download"
    return None


def spreadsheet_cells(kind: str, content: bytes) -> list[tuple[object, bool]]:
    """(value, never run?) of every cell: our own formula, or an Excel text cell (stored as
    a string, which no spreadsheet evaluates, whatever it starts with)."""
    if kind == "csv":
        text = content.decode("utf-8-sig")
        delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return [(value, False) for row in rows for value in row]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [
        (
            cell.value,
            cell.data_type == "s"
            or cell.data_type == "f"
            and bool(OWN_FORMULA.fullmatch(str(cell.value))),
        )
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def runs(value) -> bool:
    """Would a spreadsheet run this cell as a formula?"""
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return False
    return value.startswith(FORMULA_CHARACTERS) or value.lstrip().startswith(FORMULA_CHARACTERS)


def dangerous_cells(kind: str, content: bytes) -> list:
    return [value for value, own in spreadsheet_cells(kind, content) if runs(value) and not own]


def planted(value) -> bool:
    return isinstance(value, str) and any(text in value for text in HOSTILE + SHORT_HOSTILE)


# --- the tests -------------------------------------------------------------------------


class Captured:
    """A download's headers and body, read once: a streamed body can be read only once, and
    the two tests below read the same downloads."""

    streaming = False

    def __init__(self, response):
        self.headers = dict(response.items())
        self.content = body(response)

    def __getitem__(self, header: str) -> str:
        return self.headers[header]

    def get(self, header: str, default=None):
        return self.headers.get(header, default)


_FOUND: dict = {}  # every address asked once per test process (half a minute each time)


@pytest.fixture
def downloads(objects):
    """{name: (kind, response)} of every address that answers with a download, requested
    after the formulas are planted."""
    if not _FOUND:
        plant_formulas()
        for name, route, _pattern in url_patterns():
            url = reverse(name, kwargs=arguments(route, objects))
            response = first_answer(url)
            if response is not None and (kind := kind_of(response)):
                _FOUND[name] = (kind, Captured(response))
    return _FOUND


def test_every_download_is_known_and_no_cell_runs(downloads):
    assert {name: kind for name, (kind, _) in downloads.items()} == DOWNLOADS

    for name, (kind, response) in downloads.items():
        content = body(response)
        if kind in ("csv", "xlsx"):
            cells = [value for value, _own in spreadsheet_cells(kind, content)]
            assert any(planted(value) for value in cells), f"{name}: no planted text printed"
            assert dangerous_cells(kind, content) == [], name
        elif name in API_PLAIN:
            assert json.loads(content), name
        elif kind == "json":
            # Data for programs: the text exactly as typed, not escaped for spreadsheets.
            escaped = [json.dumps(text)[1:-1] for text in HOSTILE]
            assert any(text in content.decode() for text in escaped), name
        elif kind == "pdf":
            assert content.startswith(b"%PDF-"), name

    # The escaping does not turn the Excel documents' own sums into text.
    for name in ("dokumenter:action-plan-xlsx", "dokumenter:recommendation-xlsx"):
        _kind, response = downloads[name]
        own = [value for value, is_own in spreadsheet_cells("xlsx", body(response)) if is_own]
        # Our own formulas stay formulas (an empty table's sum is 0, tests/test_excel_sums.py).
        assert any(str(value).startswith("=") for value in own), name


# The one CSV convention (the /data/ page): for programs, RFC 4180 with a comma, a decimal
# point and ÅÅÅÅ-MM-DD, UTF-8 without a byte-order mark. Danish Excel gets the .xlsx files.
DANISH_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})*,\d+|-?\d+,\d+")
DANISH_DATE = re.compile(r"\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")


def test_every_csv_follows_the_one_convention(downloads):
    csvs = {name: response for name, (kind, response) in downloads.items() if kind == "csv"}
    assert set(csvs) == {name for name, kind in DOWNLOADS.items() if kind == "csv"}
    for name, response in csvs.items():
        assert response["Content-Type"] == "text/csv; charset=utf-8", name
        content = body(response)
        assert not content.startswith(b"\xef\xbb\xbf"), f"{name}: a byte-order mark"
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
        header = rows[0]
        assert len(header) > 1 and not any(";" in column for column in header), name
        assert all(len(row) == len(header) for row in rows), f"{name}: not comma-separated"
        cells = [value for row in rows[1:] for value in row]
        assert [v for v in cells if DANISH_NUMBER.fullmatch(v)] == [], f"{name}: decimal comma"
        assert [v for v in cells if DANISH_DATE.fullmatch(v)] == [], f"{name}: a Danish date"
        assert any(NUMBER.fullmatch(v) for v in cells), f"{name}: no number"


def test_a_measurement_typed_by_staff_reaches_the_citizens_csv_as_text(demo):
    """The issue's case: the indicator CSV printed the measurement's source and period raw."""
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    staff = Client()
    staff.force_login(User.objects.get(username="kbh-sekretariat"))
    response = staff.post(
        reverse("indikatorer:measurement-add", args=[indicator.pk]),
        {
            "year": "1995",
            "period": "@SUM(1)",
            "value": "3,5",
            "source": '=HYPERLINK("http://evil")',
        },
    )
    assert response.status_code == 302
    content = Client().get(reverse("barometer:indicator-csv", args=[indicator.pk])).content
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    [row] = [row for row in rows if row["aar"] == "1995"]
    assert row["periode"] == "'@SUM(1)"
    assert row["kilde"] == '\'=HYPERLINK("http://evil")'
    assert row["vaerdi"] == "3.5"  # a number stays a number


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+cmd", "'+cmd"),
        ("-1+1", "'-1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1+1", "'  =1+1"),
        ("Kvinder i job", "Kvinder i job"),
        ("", ""),
        (None, None),
        (-12, -12),
        (1.5, 1.5),
        (Formula("=SUM(C4:C9)"), "=SUM(C4:C9)"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_values_keep_numbers_and_escape_text():
    from decimal import Decimal

    assert csv_value(Decimal("-3.50")) == "-3.50"
    assert csv_value(Decimal("1E+2")) == "100"
    assert csv_value(None) == ""
    assert csv_value("=1+1") == "'=1+1"
    assert safe_text(" @x") == "' @x"


def test_an_unknown_argument_is_reported():
    with pytest.raises(AssertionError, match="does not know what <pk> after 'nyt/'"):
        arguments("sekretariat/nyt/<int:pk>/", {})


def test_spreadsheets_are_written_in_one_place_only():
    """A writer that bypassed safe_cell would escape the test above only if it were not
    reachable by URL (a management command, say): the code writes CSV only through
    portal.exports.csv_writer and Excel cells only through grants.documents.excel.put."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    apps_ = [path.parent for path in root.glob("*/apps.py")]  # every Django app of ours
    assert {"portal", "grants", "indicators", "policies"} <= {app.name for app in apps_}
    sources = [
        path for app in apps_ for path in app.rglob("*.py") if "migrations" not in path.parts
    ]
    writers = {
        str(path.relative_to(root))
        for path in sources
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    }
    assert writers == {"portal/exports.py"}
    workbooks = {str(p.relative_to(root)) for p in sources if "Workbook(" in p.read_text()}
    assert workbooks == {"grants/documents/excel.py"}
    excel = (root / "grants/documents/excel.py").read_text()
    assert excel.count(".cell(") == 1 and "sheet[" not in excel  # the one in put()
    assert excel.count("WriteOnlyCell(") == 1  # the one in row_cells(), for streamed files
