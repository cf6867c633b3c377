"""Who gave and who received, as open data identifies them: the one rule for identifiers.

360Giving and the national data portals link grants across funders by organisation
identifiers from the org-id.guide register (grants/schemas/org-id/). A Danish legal entity
is identified by its number in the business register, prefix `DK-CVR`. Rules:

- A municipality is `DK-CVR-<its CVR number>`, the number an administrator entered on the
  municipality (`Municipality.cvr`); the portal never guesses or looks one up.
- A department (forvaltning, center, library …) is no legal entity of its own: it is part of
  its municipality's, so it has its municipality's identifier, and its own name goes in
  360Giving's `department` field.
- Without a CVR number the identifier is 360Giving's fallback: the publisher's `360G-`
  prefix (settings.GIVING_PREFIX) and the municipality's Danmarks Statistik code,
  e.g. `360G-integrationsportalen-kommune-147`. 360Giving's tools accept it (its prefix is
  in the register's place); they only recommend an official number.

`org_id` is the only place that says this: the 360Giving file, the API and the catalogue
record all ask it. Organisations that apply themselves (associations with a CVR number)
are one more kind of party here: `DK-CVR-<number>` where the CVR number is known (never
guessed), else `360G-<publisher>-organisation-<id>`.
"""

from collections.abc import Mapping

from django.conf import settings

from portal.places import region_of

COUNTRY = "DK"


def _value(party, name: str):
    return party.get(name) if isinstance(party, Mapping) else getattr(party, name, None)


def org_id(party, *, organisation: bool = False) -> str:
    """The org-id of a funder or recipient: a municipality (a model instance, or its values
    with `cvr` and `code`), or a department given as its municipality (see above); with
    `organisation`, an applicant organisation (values with `cvr` and `pk`), whose fallback
    is the publisher's `360G-` prefix and the organisation's id in the portal."""
    cvr = (_value(party, "cvr") or "").strip()
    if cvr:
        return f"DK-CVR-{cvr}"
    if organisation:
        return f"{settings.GIVING_PREFIX}-organisation-{_value(party, 'pk')}"
    return f"{settings.GIVING_PREFIX}-kommune-{_value(party, 'code')}"


def locations(municipality) -> list[dict]:
    """The municipality and its region as 360Giving locations with official codes: Danmarks
    Statistik's municipality code and the ISO 3166-2 code of the region."""
    code, name = _value(municipality, "code"), _value(municipality, "name")
    places = [
        {
            "id": f"DK-KOMMUNEKODE-{code}",
            "name": name,
            "description": "Kommune (Danmarks Statistiks kommunekode)",
            "geoCode": code,
            "countryCode": COUNTRY,
        }
    ]
    if (region := region_of(code)) is not None:
        region_code, region_name = region
        places.append(
            {
                "id": region_code,
                "name": region_name,
                "description": "Region (ISO 3166-2)",
                "geoCode": region_code,
                "countryCode": COUNTRY,
            }
        )
    return places


def funder(municipality, committee: Mapping | None = None) -> dict:
    """360Giving's fundingOrganization: the municipality, its committee as the department."""
    organisation = {"id": org_id(municipality), "name": _value(municipality, "name")}
    if committee:
        organisation["department"] = committee["name"]
    return organisation


def recipient(municipality, department: Mapping | None, organisation: Mapping | None = None):
    """360Giving's recipientOrganization for a project a municipal department runs, or an
    organisation (an association …) that applied itself: then it is the recipient."""
    if organisation is not None:
        return {
            "id": org_id(organisation, organisation=True),
            "name": _value(organisation, "name"),
            "addressCountry": COUNTRY,
            "location": locations(municipality),
        }
    # No companyNumber: 360Giving defines it as a UK company number, and its tools would look
    # a CVR number up at Companies House; the CVR number is in the identifier.
    return {
        "id": org_id(municipality),
        "name": _value(municipality, "name"),
        "department": department["name"],
        "addressCountry": COUNTRY,
        "location": locations(municipality),
    }
