"""The open data described for harvesting: a DCAT-AP catalogue record in JSON-LD.

The national open-data portal (and the EU's) harvest catalogues in DCAT-AP; Denmark's
profile is DCAT-AP-DK, a profile of DCAT-AP 2. The record describes two datasets (funded
projects, and the barometer's indicators), each file as a distribution and the read API as
a data service, with publisher, contact point, licence (CC BY 4.0), update frequency, and
temporal and spatial coverage worked out from the data. Controlled values are the EU
Publications Office's authority tables (file types, frequencies, data themes, countries,
languages), as DCAT-AP asks. It is validated against DCAT-AP 2.1.1's SHACL shapes
(grants/schemas/dcat-ap/, tests/test_catalogue.py).
"""

from email.utils import parseaddr

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef
from django.urls import reverse

from grants.models import Allocation, Pool
from grants.public import open_data_projects, publishing_municipalities
from indicators.models import Indicator, Measurement
from portal.places import region_of
from portal.site import address_pattern

EU = "http://publications.europa.eu/resource/authority/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
GIVING_STANDARD = "https://standard.threesixtygiving.org/en/latest/"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def _ref(iri: str, kind: str) -> dict:
    """A node by its IRI with its class (DCAT-AP's range shapes ask for both)."""
    return {"@id": iri, "@type": kind}


def _text(da: str, en: str) -> list[dict]:
    return [{"@value": da, "@language": "da"}, {"@value": en, "@language": "en"}]


def _theme(code: str, da: str, en: str) -> dict:
    return {
        "@id": f"{EU}data-theme/{code}",
        "@type": "skos:Concept",
        "skos:prefLabel": _text(da, en),
    }


# The EU's data themes the datasets belong to, with their labels (the authority table's).
THEMES = {
    "SOCI": _theme("SOCI", "Befolkning og samfund", "Population and society"),
    "GOVE": _theme("GOVE", "Regeringen og den offentlige sektor", "Government and public sector"),
}


def _date(value) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _datetime(value) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _period(first_year: int | None, last_year: int | None) -> list[dict]:
    if first_year is None:
        return []
    return [
        {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{first_year}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{last_year}-12-31", "@type": "xsd:date"},
        }
    ]


def _places(municipality_codes) -> list[dict]:
    """Denmark and the regions the data covers: those of the municipalities with
    `municipality_codes` (EU country table; ISO 3166-2 for the regions). Not all five
    regions when only one has data (fresh eyes round 22)."""
    covered = {region_of(code) for code in municipality_codes} - {None}
    regions = [
        {
            "@id": f"https://www.iso.org/obp/ui/#iso:code:3166:{code}",
            "@type": "dct:Location",
            "skos:prefLabel": name,
        }
        for code, name in sorted(covered)
    ]
    return [_ref(f"{EU}country/DNK", "dct:Location"), *regions]


def _distribution(
    base: str, path: str, title: tuple[str, str], file_type: str, media_type: str, **extra
) -> dict:
    url = base + path
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _text(*title),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:format": _ref(f"{EU}file-type/{file_type}", "dct:MediaTypeOrExtent"),
        "dcat:mediaType": _ref(IANA + media_type, "dct:MediaType"),
        "dct:license": _ref(CC_BY, "dct:LicenseDocument"),
        **extra,
    }


def municipality_distributions(base: str, municipalities) -> list[dict]:
    """Each municipality's own files: its 360Giving file (one funder, as 360Giving's tools
    expect of a publisher's file) and its CSV."""
    giving_path = address_pattern("public:municipality-giving-json", slugs=1)
    csv_path = address_pattern("public:municipality-projects-csv", slugs=1)
    distributions = []
    for municipality in municipalities:
        name, slug = municipality.name, municipality.slug
        distributions += [
            _distribution(
                base,
                giving_path.format(slug),
                (
                    f"{name}s projekter efter 360Giving Data Standard",
                    f"{name}'s projects in 360Giving format",
                ),
                "JSON",
                "application/json",
                **{"dct:conformsTo": _ref(GIVING_STANDARD, "dct:Standard")},
            ),
            _distribution(
                base,
                csv_path.format(slug),
                (f"{name}s projekter som CSV", f"{name}'s projects as CSV"),
                "CSV",
                "text/csv",
            ),
        ]
    return distributions


def catalogue_record(base: str) -> dict:
    """The JSON-LD record; `base` is the portal's address (portal.site.base_url)."""
    data_page = base + reverse("public:data")
    api = base + reverse("api:root")
    publisher = {
        "@id": f"{data_page}#udgiver",
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER,
    }
    contact = {
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": settings.OPEN_DATA_PUBLISHER,
        # The address alone: the setting may hold "Name <address>" (DEFAULT_FROM_EMAIL's
        # form), which is no mailto: IRI (fresh eyes round 22).
        "vcard:hasEmail": {"@id": f"mailto:{parseaddr(settings.OPEN_DATA_CONTACT_EMAIL)[1]}"},
    }
    common = {
        "dct:publisher": publisher,
        "dcat:contactPoint": contact,
        "dct:license": _ref(CC_BY, "dct:LicenseDocument"),
        "dct:language": _ref(f"{EU}language/DAN", "dct:LinguisticSystem"),
        # Changes whenever a committee's decision is recorded, not on a schedule.
        "dct:accrualPeriodicity": _ref(f"{EU}frequency/UPDATE_CONT", "dct:Frequency"),
        "dcat:landingPage": _ref(data_page, "foaf:Document"),
    }

    # The dataset is the open-data files: their projects (no example pools) and the
    # municipalities publishing them. Each figure comes from an index, not from every
    # funded project in the country (issue #17: 13 req/s at 50,000): the first and last
    # year are the first pool in year order (each way) that funded one of them.
    published = open_data_projects()
    municipalities = list(publishing_municipalities())
    granting = Pool.objects.filter(
        Exists(Allocation.objects.filter(pool=OuterRef("pk"), application__in=published))
    ).values_list("year", flat=True)
    years = {"first": granting.order_by("year").first(), "last": granting.order_by("-year").first()}
    projects_modified = (
        published.order_by("-updated_at").values_list("updated_at", flat=True).first()
    )
    projects = {
        "@id": f"{data_page}#projekter",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{data_page}#projekter",
        "dct:title": _text(
            "Bevillinger fra kommunernes integrationspuljer",
            "Grants from the municipalities' integration pools",
        ),
        "dct:description": _text(
            "Alle projekter, som kommunernes integrationspuljer har bevilget penge til: "
            "beløb pr. år, puljen, udvalget, afdelingen og integrationspolitikkens mål.",
            "Every project the municipalities' integration pools have funded: amounts per "
            "year, the pool, the committee, the department and the integration policy's goals.",
        ),
        "dcat:keyword": [
            {"@value": word, "@language": "da"}
            for word in ("integration", "tilskud", "bevillinger", "integrationspulje")
        ],
        "dcat:theme": [THEMES["SOCI"], THEMES["GOVE"]],
        "dct:temporal": _period(years["first"], years["last"]),
        "dcat:distribution": [
            _distribution(
                base,
                reverse("public:projects-csv"),
                ("Projekter som CSV", "Projects as CSV"),
                "CSV",
                "text/csv",
            ),
            _distribution(
                base,
                reverse("public:projects-xlsx"),
                ("Projekter som Excel-regneark", "Projects as an Excel workbook"),
                "XLSX",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            _distribution(
                base,
                reverse("public:giving-json"),
                ("Projekter efter 360Giving Data Standard", "Projects in 360Giving format"),
                "JSON",
                "application/json",
                **{"dct:conformsTo": _ref(GIVING_STANDARD, "dct:Standard")},
            ),
            *municipality_distributions(base, municipalities),
        ],
        **common,
    }
    if projects_modified:
        projects["dct:modified"] = _datetime(projects_modified)

    projects["dct:spatial"] = _places(municipality.code for municipality in municipalities)

    # The period real measurements cover: invented example values do not extend it.
    measured = Measurement.objects.filter(is_example=False).aggregate(
        first=Min("year"), last=Max("year")
    )
    indicators = {
        "@id": f"{data_page}#indikatorer",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{data_page}#indikatorer",
        "dct:title": _text(
            "Integrationsbarometeret: indikatorer og målinger",
            "The integration barometer: indicators and measurements",
        ),
        "dct:description": _text(
            "Integrationspolitikkernes indikatorer med baseline, måltal og årlige målinger. "
            "Opdigtede eksempelværdier er markeret som eksempeldata (feltet eksempeldata) og "
            "tæller ikke med i datasættets periode.",
            "The integration policies' indicators with baseline, target and yearly "
            "measurements. Invented example values are marked as example data (the field "
            "eksempeldata) and do not count towards the dataset's period.",
        ),
        "dcat:keyword": [
            {"@value": word, "@language": "da"} for word in ("integration", "indikatorer")
        ],
        "dcat:theme": [THEMES["SOCI"]],
        "dct:temporal": _period(measured["first"], measured["last"]),
        "dcat:distribution": [
            {
                "@id": f"{api}indikatorer/",
                "@type": "dcat:Distribution",
                "dct:title": _text("Indikatorer gennem API'et", "Indicators through the API"),
                "dcat:accessURL": {"@id": f"{api}indikatorer/"},
                "dcat:accessService": {"@id": f"{api}#tjeneste"},
                "dct:format": _ref(f"{EU}file-type/JSON", "dct:MediaTypeOrExtent"),
                "dcat:mediaType": _ref(IANA + "application/json", "dct:MediaType"),
                "dct:license": _ref(CC_BY, "dct:LicenseDocument"),
            }
        ],
        **common,
    }
    if Indicator.objects.exists():
        indicators["dct:spatial"] = _places(
            Indicator.objects.order_by().values_list("municipality__code", flat=True).distinct()
        )

    service = {
        "@id": f"{api}#tjeneste",
        "@type": "dcat:DataService",
        "dct:title": _text("Integrationsportalens API", "The integration portal's API"),
        "dct:description": _text(
            "Læseadgang uden login til projekter, puljer, politikker, mål og indikatorer.",
            "Read access without login to projects, pools, policies, goals and indicators.",
        ),
        "dcat:endpointURL": {"@id": api},
        "dcat:endpointDescription": {"@id": base + reverse("api:schema")},
        "dcat:servesDataset": [{"@id": projects["@id"]}, {"@id": indicators["@id"]}],
        "dct:license": _ref(CC_BY, "dct:LicenseDocument"),
        "dct:publisher": publisher,
        "dcat:contactPoint": contact,
    }
    return {
        "@context": CONTEXT,
        "@id": f"{data_page}#katalog",
        "@type": "dcat:Catalog",
        "dct:title": _text("Integrationsportalens åbne data", "The integration portal's open data"),
        "dct:description": _text(
            "Åbne data fra danske kommuners integrationspuljer og integrationsbarometre.",
            "Open data from Danish municipalities' integration pools and barometers.",
        ),
        "dct:publisher": publisher,
        "foaf:homepage": _ref(data_page, "foaf:Document"),
        "dct:license": _ref(CC_BY, "dct:LicenseDocument"),
        "dct:language": _ref(f"{EU}language/DAN", "dct:LinguisticSystem"),
        "dct:spatial": _ref(f"{EU}country/DNK", "dct:Location"),
        "dcat:themeTaxonomy": {
            "@id": f"{EU}data-theme",
            "@type": "skos:ConceptScheme",
            "dct:title": _text("Datatemaer", "Data theme"),
        },
        "dcat:dataset": [projects, indicators],
        "dcat:service": [service],
        **({"dct:modified": _datetime(projects_modified)} if projects_modified else {}),
    }
