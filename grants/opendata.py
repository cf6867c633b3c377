"""Open data: funded projects as CSV and as a 360Giving package. Both stream row by row, so
a national export never has to fit in memory, and both take rows only from
`grants.public.funded_projects()`: no drafts, reviews or personal contact data."""

import csv
import json
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from grants.models import Allocation, Application, CarryOver
from grants.public import funded_projects
from policies.models import Goal
from portal.exports import safe_text

CHUNK = 500
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
    ("afdeling", _("Den kommunale afdeling, der driver indsatsen")),
    ("maal", _("Integrationspolitikkens mål og ressourcer, indsatsen tjener, adskilt af |")),
    ("maalgruppe", _("Indsatsens målgruppe")),
    ("status", _("Bevilget, igangværende eller afsluttet")),
    ("url", _("Projektets side i portalen")),
]


def absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def export_queryset():
    return (
        funded_projects()
        .select_related("municipality", "pool__policy", "committee", "department", "decision")
        .prefetch_related(
            "co_committees",
            "sdgs",
            "requested_amounts",
            Prefetch(
                "goals", queryset=Goal.objects.select_related("policy").order_by("kind", "number")
            ),
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("pool").order_by("pool__year"),
            ),
            Prefetch(
                "carry_overs",
                queryset=CarryOver.objects.select_related("from_pool", "to_pool").order_by(
                    "to_pool__year"
                ),
            ),
        )
        .order_by("pk")
    )


def _committees(application: Application) -> str:
    names = [application.committee.abbreviation] if application.committee else []
    return "/".join(names + [c.abbreviation for c in application.co_committees.all()])


def csv_rows() -> Iterator[list[str]]:
    yield [name for name, _meaning in CSV_COLUMNS]
    for application in export_queryset().iterator(chunk_size=CHUNK):
        # Open data is an interface: its values are Danish whatever language the visitor
        # chose on the site.
        with translation.override("da"):
            yield from _csv_rows_of(application)


def _csv_rows_of(application: Application) -> Iterator[list[str]]:
    common = {
        "projekt_id": str(application.pk),
        "kommune": application.municipality.name,
        "kommunekode": application.municipality.code,
        "politik": application.pool.policy.title,
        "indsats": application.title,
        "udvalg": _committees(application),
        "afdeling": application.department.name,
        "maal": " | ".join(f"{g.label}: {g.title}" for g in application.goals.all()),
        "maalgruppe": application.target_group,
        "status": application.get_status_display(),
        "url": absolute(reverse("public:project", args=[application.pk])),
    }
    for allocation in application.allocations.all():
        row = common | {
            "pulje": allocation.pool.title,
            "aar": str(allocation.pool.year),
            "type": "bevilling",
            "beloeb_kr": f"{allocation.amount:.2f}",
        }
        yield [row[name] for name, _meaning in CSV_COLUMNS]
    for carry in application.carry_overs.all():
        row = common | {
            "pulje": carry.from_pool.title,
            "aar": str(carry.to_pool.year),
            "type": "restmidler",
            "beloeb_kr": f"{carry.amount:.2f}" if carry.amount is not None else "",
        }
        yield [row[name] for name, _meaning in CSV_COLUMNS]


class Echo:
    """A file-like object that returns what is written, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_stream() -> Iterator[str]:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    writer = csv.writer(Echo())
    for row in csv_rows():
        yield writer.writerow([safe_text(value) for value in row])


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def grant_id(application: Application) -> str:
    return f"360G-dk-kommune-{application.municipality.code}-{application.pk}"


def grant(application: Application) -> dict | None:
    """One 360Giving grant, or None when the amount awarded is not known."""
    allocations = list(application.allocations.all())
    if not allocations:
        return None
    decision = getattr(application, "decision", None)
    award_date = (
        decision.meeting_date
        if decision and decision.meeting_date
        else timezone.localtime(decision.recorded_at).date()
        if decision
        else timezone.localdate()
    ).isoformat()
    municipality = application.municipality
    identifier = grant_id(application)
    years = [a.pool.year for a in allocations]
    description = next(
        (
            text
            for text in (application.purpose, application.description, application.target_group)
            if text.strip()
        ),
        application.title,
    )
    data = {
        "id": identifier,
        "title": application.title,
        "description": description,
        "currency": CURRENCY,
        "amountAppliedFor": _number(
            sum((r.amount for r in application.requested_amounts.all()), Decimal(0))
        ),
        "amountAwarded": _number(sum((a.amount for a in allocations), Decimal(0))),
        "awardDate": award_date,
        "url": absolute(reverse("public:project", args=[application.pk])),
        "plannedDates": [{"startDate": f"{min(years)}-01-01", "endDate": f"{max(years)}-12-31"}],
        "recipientOrganization": [
            {
                "id": f"DK-KOMMUNE-{municipality.code}-AFD-{application.department_id}",
                "name": application.department.name,
                "addressCountry": "DK",
            }
        ],
        "fundingOrganization": [
            {
                "id": f"DK-KOMMUNE-{municipality.code}",
                "name": municipality.name,
                **({"department": application.committee.name} if application.committee else {}),
            }
        ],
        "grantProgramme": [
            {
                "code": f"{municipality.slug}-{application.pool.year}",
                "title": application.pool.title,
                "url": absolute(
                    reverse("public:pool", args=[municipality.slug, application.pool.year])
                ),
            }
        ],
        "classifications": [
            {
                "vocabulary": f"{goal.policy.title}, {municipality.name}",
                "code": f"{goal.kind}-{goal.number}",
                "title": goal.title,
            }
            for goal in application.goals.all()
        ]
        + [
            {
                "vocabulary": "UN Sustainable Development Goals",
                "code": str(sdg.number),
                "title": sdg.title,
            }
            for sdg in application.sdgs.all()
        ],
        "commitmentTransaction": [
            {
                "id": f"{identifier}-{allocation.pool.year}",
                "transactionDate": award_date,
                "value": _number(allocation.amount),
                "currency": CURRENCY,
                "description": f"{allocation.pool.title}",
            }
            for allocation in allocations
        ],
        "beneficiaryLocation": [{"name": municipality.name, "countryCode": "DK"}],
        "dateModified": application.updated_at.isoformat(),
        "dataSource": absolute(reverse("public:data")),
    }
    return data


def giving_stream() -> Iterator[str]:
    """The 360Giving package, written piece by piece."""
    meta = {
        "version": GIVING_VERSION,
        "title": "Integrationsportalen: bevillinger fra kommunernes integrationspuljer",
        "description": "Projekter finansieret af danske kommuners integrationspuljer.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"name": "Integrationsportalen"},
    }
    yield "{"
    for key, value in meta.items():
        yield f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}, "
    yield '"grants": ['
    first = True
    for application in export_queryset().iterator(chunk_size=CHUNK):
        with translation.override("da"):
            data = grant(application)
        if data is None:
            continue
        yield ("" if first else ",\n") + json.dumps(data, ensure_ascii=False)
        first = False
    yield "]}\n"
