"""Open data: funded projects as CSV and as a 360Giving package. Both stream chunk by chunk,
so a national export never has to fit in memory, and both take rows only from
`grants.public.open_data_projects()` (through `grants.opendata_rows`): no drafts, reviews or
personal contact data.

They read plain values, not model instances, and work out each label and URL once per
download: at national scale (30,000 projects) each download must finish well within the
app server's worker timeout."""

import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from grants.decision_extent import approval_label
from grants.models import Application, ApplicationStatus
from grants.models.decisions import decided_on
from grants.models.schemes import pool_path, pool_url_args
from grants.opendata_orgs import funder, locations, org_id, recipient
from grants.opendata_rows import project_chunks
from grants.public import public_pool_name
from policies.models import SDG, Goal
from portal import site
from portal.exports import csv_writer

CURRENCY = "DKK"
GIVING_VERSION = "1.4"

# Column name → meaning; the /data/ page documents them from this list.
CSV_COLUMNS = [
    ("projekt_id", _("Projektets id i portalen")),
    ("kommune", _("Kommunens navn")),
    ("kommunekode", _("Danmarks Statistiks kommunekode")),
    ("politik", _("Integrationspolitikken, puljen hører under")),
    ("pulje", _("Puljen, der gav pengene")),
    ("aar", _("Året, pengene gælder")),
    ("type", _("bevilling (fra årets pulje) eller restmidler (overført fra året før)")),
    (
        "beloeb_kr",
        _("Beløb i kroner med punktum som decimaltegn; tomt hvis kilden ikke oplyser det"),
    ),
    ("indsats", _("Projektets titel")),
    ("udvalg", _("Ansvarligt politisk udvalg (forkortelse) og evt. øvrige udvalg")),
    ("afdeling", _("Den kommunale afdeling eller den forening, der har søgt og driver indsatsen")),
    ("maal", _("Integrationspolitikkens mål og ressourcer, indsatsen tjener, adskilt af |")),
    ("maalgruppe", _("Indsatsens målgruppe")),
    ("status", _("Bevilget, delvis bevilget (mindre end søgt), igangværende eller afsluttet")),
    ("url", _("Projektets side i portalen")),
    (
        "afgoerelsesdato",
        _(
            "Datoen for udvalgets afgørelse (ÅÅÅÅ-MM-DD); for projekter indlæst fra en handleplan "
            "uden mødedato 1. januar i bevillingens første år. En bevilling over flere år har én "
            "afgørelse: rækkerne for de følgende år har samme dato"
        ),
    ),
]
CSV_NAMES = [name for name, _meaning in CSV_COLUMNS]

# What each download reads of a project besides its municipality, pool, department and
# committee: its own columns and which related rows (grants.opendata_rows.RELATIONS).
CSV_FIELDS = ("title", "status", "target_group")
CSV_RELATIONS = (
    "co_committees",
    "goals",
    "allocations",
    "carry_overs",
    "decision",
    "requested_amounts",  # the status "Delvis bevilget" is told by them
)
GIVING_FIELDS = ("title", "purpose", "description", "target_group", "updated_at")
GIVING_RELATIONS = ("decision", "requested_amounts", "goals", "sdgs", "allocations", "carry_overs")

# Any number reverse() accepts; the project URL is built around it.
_PK_PLACEHOLDER = 987654321


class Labels:
    """Labels and absolute URLs, each worked out once per download. Open data is an
    interface: its values are Danish whatever language the visitor chose on the site, so
    make and use this under `translation.override("da")`. `base_url` is the portal's
    address (portal.site.base_url: PORTAL_BASE_URL, or the request's)."""

    def __init__(self, base_url: str):
        project = base_url + reverse("public:project", args=[_PK_PLACEHOLDER])
        self._project_prefix, self._project_suffix = project.rsplit(str(_PK_PLACEHOLDER), 1)
        self.data_url = base_url + reverse("public:data")
        self.pool_url = cache(lambda *args: base_url + pool_path(*args))
        self.status_display = cache(lambda status: Application(status=status).get_status_display())
        self.goal_label = cache(lambda kind, number: Goal(kind=kind, number=number).label)
        self.sdg_title = cache(lambda number: SDG(number=number).title)

    def status(self, project: dict) -> str:
        """The status as the project's page names it (Application.status_label): an approval
        of less than asked is "Delvis bevilget" (fresh eyes round 22: the files said
        "Bevilget")."""
        if project["status"] == ApplicationStatus.APPROVED:
            return approval_label(
                {row["year"]: row["amount"] for row in project["requested_amounts"]},
                ((a["pool__year"], a["amount"]) for a in project["allocations"]),
            )
        return self.status_display(project["status"])

    def project_url(self, pk: int) -> str:
        return f"{self._project_prefix}{pk}{self._project_suffix}"


# --- projekter.csv ---------------------------------------------------------------------


def _committees(project: dict) -> str:
    names = [project["committee"]["abbreviation"]] if project["committee"] else []
    return "/".join(names + [row["committee__abbreviation"] for row in project["co_committees"]])


def rows_of(project: dict, labels: Labels) -> Iterator[list]:
    """One row per allocation, then one per carry-over, in CSV_COLUMNS' order, as typed
    values (numbers, a date, text): the CSV writes them as text, the Excel file as they are.
    An amount the source does not state is None."""
    common = {
        "projekt_id": project["pk"],
        "kommune": project["municipality"]["name"],
        "kommunekode": project["municipality"]["code"],
        "politik": project["pool"]["policy__title"],
        "indsats": project["title"],
        "udvalg": _committees(project),
        "afdeling": applicant_name(project),
        "maal": " | ".join(
            # The goal's one name, as every page gives it (policies.models.Goal.name).
            f"{labels.goal_label(g['goal__kind'], g['goal__number'])}: "
            f"{g['goal__short_title'] or g['goal__title']}"
            for g in project["goals"]
        ),
        "maalgruppe": project["target_group"],
        "status": labels.status(project),
        "url": labels.project_url(project["pk"]),
        "afgoerelsesdato": award_date(project),
    }
    for allocation in project["allocations"]:
        row = common | {
            "pulje": allocation_pool_name(allocation),
            "aar": allocation["pool__year"],
            "type": "bevilling",
            "beloeb_kr": allocation["amount"],
        }
        yield [row[name] for name in CSV_NAMES]
    for carry in project["carry_overs"]:
        row = common | {
            "pulje": carry["from_pool__title"],
            "aar": carry["to_pool__year"],
            "type": "restmidler",
            "beloeb_kr": carry["amount"],
        }
        yield [row[name] for name in CSV_NAMES]


def allocation_pool_name(allocation: dict) -> str:
    return public_pool_name(
        title=allocation["pool__title"],
        status=allocation["pool__status"],
        scheme=allocation["pool__scheme__name"],
        year=allocation["pool__year"],
    )


def _csv_text(value) -> str | int:
    # Amounts with two decimals and a point whatever the database returns ("75000.00").
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def csv_rows_of(project: dict, labels: Labels) -> Iterator[list]:
    for row in rows_of(project, labels):
        yield [_csv_text(value) for value in row]


def csv_stream(base_url: str | None = None, municipality=None) -> Iterator[str]:
    """The CSV, one piece per chunk of projects, its links under `base_url` (by default
    portal.site.base_url(), for callers without a request): every municipality's projects,
    or only those of `municipality` (its own file). Text cells that a spreadsheet would run
    as a formula get a leading apostrophe (`portal.exports.csv_writer`)."""
    base_url = site.base_url() if base_url is None else base_url
    municipality_id = municipality.pk if municipality is not None else None
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_NAMES)
    yield buffer.getvalue()
    with translation.override("da"):
        labels = Labels(base_url)
    for projects in project_chunks(CSV_FIELDS, CSV_RELATIONS, municipality_id):
        buffer.seek(0)
        buffer.truncate()
        with translation.override("da"):
            for project in projects:
                for row in csv_rows_of(project, labels):
                    writer.writerow(row)
        if buffer.tell():  # a chunk of projects whose amounts are unknown has no rows
            yield buffer.getvalue()


# --- 360giving.json --------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def grant_id(project: dict) -> str:
    """The publisher's 360Giving prefix, the municipality's code and the project's id."""
    return f"{settings.GIVING_PREFIX}-{project['municipality']['code']}-{project['pk']}"


def award_date(project: dict) -> datetime.date:
    """When the grant was decided: its decision's date (`grants.models.decided_on`, the
    rule every page uses: the committee's meeting date, or for a project brought in from a
    source naming none 1 January of its pool's year; never the day it was loaded)."""
    decision = next(iter(project["decision"]), None)  # there is at most one
    if decision is None:  # not possible for a funded project; the same fallback
        return datetime.date(project["pool"]["year"], 1, 1)
    return decided_on(
        meeting_date=decision["meeting_date"],
        recorded_at=decision["recorded_at"],
        source=decision["source"],
        pool_year=project["pool"]["year"],
    )


def applicant_name(project: dict) -> str:
    """Who applied: the municipal department, or the organisation."""
    applicant = project["department"] or project["organisation"]
    return applicant["name"] if applicant else ""


def planned_dates(allocations: list[dict], carry_overs: list[dict] = ()) -> dict:
    """From the first day of the first year the project has money for to the last day of
    the last: the grant years and the years it runs on carried-over money (a pool is one
    calendar year; fresh eyes round 22: a year on carried-over money was left out)."""
    years = [a["pool__year"] for a in allocations] + [c["to_pool__year"] for c in carry_overs]
    return {
        "startDate": f"{min(years)}-01-01",
        "endDate": f"{max(years)}-12-31",
        "duration": 12 * (max(years) - min(years) + 1),
    }


def grant(project: dict, labels: Labels) -> dict | None:
    """One 360Giving grant, or None when the amount awarded is not known."""
    allocations = project["allocations"]
    if not allocations:
        return None
    decided = award_date(project).isoformat()
    municipality, pool = project["municipality"], project["pool"]
    name, slug = municipality["name"], municipality["slug"]
    identifier = grant_id(project)
    description = next(
        (
            text
            for text in (project["purpose"], project["description"], project["target_group"])
            if text.strip()
        ),
        project["title"],
    )
    return {
        "id": identifier,
        "title": project["title"],
        "description": description,
        "currency": CURRENCY,
        "amountAppliedFor": _number(
            sum((r["amount"] for r in project["requested_amounts"]), Decimal(0))
        ),
        "amountAwarded": _number(sum((a["amount"] for a in allocations), Decimal(0))),
        "awardDate": decided,
        "url": labels.project_url(project["pk"]),
        "plannedDates": [planned_dates(allocations, project["carry_overs"])],
        "recipientOrganization": [
            recipient(municipality, project["department"], project["organisation"])
        ],
        "fundingOrganization": [funder(municipality, project["committee"])],
        "grantProgramme": [
            {
                "code": "-".join(
                    map(str, pool_url_args(slug, pool["year"], pool["pk"], pool["scheme__name"]))
                ),
                "title": pool["title"],
                "url": labels.pool_url(slug, pool["year"], pool["pk"], pool["scheme__name"]),
            }
        ],
        "classifications": [
            {
                "vocabulary": f"{goal['goal__policy__title']}, {name}",
                "code": f"{goal['goal__kind']}-{goal['goal__number']}",
                "title": goal["goal__title"],
            }
            for goal in project["goals"]
        ]
        + [
            {
                "vocabulary": "UN Sustainable Development Goals",
                "code": str(sdg["sdg_id"]),
                "title": labels.sdg_title(sdg["sdg_id"]),
            }
            for sdg in project["sdgs"]
        ],
        "commitmentTransaction": [
            {
                "id": f"{identifier}-{allocation['pool__year']}",
                "transactionDate": decided,
                "value": _number(allocation["amount"]),
                "currency": CURRENCY,
                "description": allocation_pool_name(allocation),
            }
            for allocation in allocations
        ],
        "beneficiaryLocation": locations(municipality),
        "dateModified": project["updated_at"].isoformat(),
        "dataSource": labels.data_url,
    }


# What json.dumps(value, ensure_ascii=False) does, without making an encoder each time.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def giving_meta(municipality=None) -> dict:
    """The package's own fields. A municipality's file is its publication as funder: it is
    the publisher, under the identifier its grants give it; the national file is the
    portal's (settings.OPEN_DATA_PUBLISHER)."""
    meta = {
        "version": GIVING_VERSION,
        "title": "Integrationsportalen: bevillinger fra kommunernes integrationspuljer",
        "description": "Projekter finansieret af danske kommuners integrationspuljer.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"name": settings.OPEN_DATA_PUBLISHER},
    }
    if municipality is not None:
        meta |= {
            "title": f"{municipality.name}: bevillinger fra integrationspuljerne",
            "description": (
                f"Projekter finansieret af {municipality.name}s integrationspuljer, "
                "offentliggjort gennem Integrationsportalen."
            ),
            "publisher": {"name": municipality.name, "identifier": org_id(municipality)},
        }
    return meta


def giving_stream(base_url: str | None = None, municipality=None) -> Iterator[str]:
    """The 360Giving package, written one piece per chunk of projects, its links under
    `base_url` (by default portal.site.base_url(), for callers without a request): the
    national file with every municipality's grants, or `municipality`'s own file, in which
    it is the one funder (360Giving's tools expect one funder per publisher file)."""
    base_url = site.base_url() if base_url is None else base_url
    municipality_id = municipality.pk if municipality is not None else None
    meta = giving_meta(municipality)
    yield "{" + "".join(f"{_to_json(key)}: {_to_json(value)}, " for key, value in meta.items())
    yield '"grants": ['
    with translation.override("da"):
        labels = Labels(base_url)
    separator = ""
    for projects in project_chunks(GIVING_FIELDS, GIVING_RELATIONS, municipality_id):
        with translation.override("da"):
            grants = [grant(project, labels) for project in projects]
        pieces = [_to_json(data) for data in grants if data is not None]
        if pieces:
            yield separator + ",\n".join(pieces)
            separator = ",\n"
    yield "]}\n"
