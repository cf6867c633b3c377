"""360Giving's data-quality checks, as lib360dataquality defines them.

The tool itself (github.com/ThreeSixtyGiving/dataquality, lib360dataquality/cove/
threesixtygiving.py and check_field_present.py) does not install beside the portal: it is not
on PyPI and pins jsonschema<4 and libcove, which our jsonschema 4 (Draft 2020-12, the
360Giving 1.4 schema) rules out. So each check is written here as the tool writes it, under
the tool's class name, and run over the grants the same way (`TEST_CLASSES`, one pass per
grant). The org-id prefixes are the register's (grants/schemas/org-id/), plus "360G" as the
tool adds it.

QUALITY checks are what the tool reports as errors ("accuracy"); USEFULNESS checks are its
notices ("usefulness"). Each returns the JSON paths of the grants it fails for.
"""

import abc
import datetime
import json
import re
from pathlib import Path

from django.conf import settings

ORG_ID_PREFIXES = [
    entry["code"]
    for entry in json.loads(
        (Path(settings.BASE_DIR) / "grants/schemas/org-id/prefixes.json").read_text("utf-8")
    )["prefixes"]
] + ["360G"]


def _years_from_now(years: int) -> datetime.datetime:
    now = datetime.datetime.now()
    try:
        return now.replace(year=now.year + years)
    except ValueError:  # 29 February
        return now.replace(year=now.year + years, day=28)


def _date(value: str | None) -> tuple[datetime.datetime | None, str | None]:
    """convert_string_date_to_datetime: YYYY-MM-DD, or the date part of a date-time."""
    if not value:
        return None, None
    try:
        return datetime.datetime.strptime(value.split("T")[0], "%Y-%m-%d"), None
    except ValueError as error:
        return None, str(error)


def _grant_dates(grant: dict) -> dict:
    """create_grant_dates_dict: the first planned and actual dates and the award date."""
    planned = (grant.get("plannedDates") or [{}])[0]
    actual = (grant.get("actualDates") or [{}])[0]
    return {
        "/awardDate": _date(grant.get("awardDate")),
        "/plannedDates/0/startDate": _date(planned.get("startDate")),
        "/plannedDates/0/endDate": _date(planned.get("endDate")),
        "/actualDates/0/startDate": _date(actual.get("startDate")),
        "/actualDates/0/endDate": _date(actual.get("endDate")),
    }


def _has_recognised_prefix(identifier: str) -> bool:
    return any(identifier.lower().startswith(prefix.lower()) for prefix in ORG_ID_PREFIXES)


def _charity_number(number) -> bool:
    number = str(number)
    return len(number) in (6, 7) and number.isdigit()


def _company_number(number) -> bool:
    return re.match(r"^\w{8}$", str(number)) is not None


# --- Quality (errors) ------------------------------------------------------------------


def ZeroAmountTest(grant):  # noqa: N802 (the tool's class names)
    return ["/amountAwarded"] if grant.get("amountAwarded") == 0 else []


def FundingOrgUnrecognisedPrefix(grant):  # noqa: N802
    return [
        f"/fundingOrganization/{n}/id"
        for n, org in enumerate(grant.get("fundingOrganization", []))
        if not _has_recognised_prefix(org["id"])
    ]


def RecipientOrgUnrecognisedPrefix(grant):  # noqa: N802
    return [
        f"/recipientOrganization/{n}/id"
        for n, org in enumerate(grant.get("recipientOrganization", []))
        if not _has_recognised_prefix(org["id"])
    ]


def RecipientOrgCharityNumber(grant):  # noqa: N802
    failed = []
    for n, org in enumerate(grant.get("recipientOrganization", [])):
        if "charityNumber" in org:
            number = str(org["charityNumber"])
            number = number[2:] if number[:2].isalpha() else number
            if not _charity_number(number):
                failed.append(f"/recipientOrganization/{n}/charityNumber")
    return failed


def RecipientOrgCompanyNumber(grant):  # noqa: N802
    return [
        f"/recipientOrganization/{n}/companyNumber"
        for n, org in enumerate(grant.get("recipientOrganization", []))
        if "companyNumber" in org and not _company_number(org["companyNumber"])
    ]


def OrganizationIdLooksInvalid(grant):  # noqa: N802
    failed = []
    for kind in ("fundingOrganization", "recipientOrganization"):
        for n, org in enumerate(grant.get(kind, [])):
            identifier = (org.get("id") or "").upper()
            if (identifier.startswith("GB-CHC-") and not _charity_number(identifier[7:])) or (
                identifier.startswith("GB-COH-") and not _company_number(identifier[7:])
            ):
                failed.append(f"/{kind}/{n}/id")
    return failed


def OrganizationIdUnexpectedChars(grant):  # noqa: N802
    return [
        f"/{kind}/{n}/id"
        for kind in ("fundingOrganization", "recipientOrganization")
        for n, org in enumerate(grant.get(kind, []))
        if "\n" in (org.get("id") or "")
    ]


def GrantIdUnexpectedChars(grant):  # noqa: N802
    return ["/id"] if "\n" in grant.get("id", "") else []


def _flatten(value, path=""):
    """flatten_dict: every leaf of the grant with its path."""
    if isinstance(value, dict):
        for key, item in sorted(value.items()):
            yield from _flatten(item, f"{path}/{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _flatten(item, f"{path}/{n}")
    else:
        yield path, value


def LooksLikeEmail(grant):  # noqa: N802
    return [
        path
        for path, value in _flatten(grant)
        if "email" not in path
        and isinstance(value, str)
        and re.search(r"[\w.-]+@[\w.-]+\.[\w.-]+", value)
    ]


def ImpossibleDates(grant):  # noqa: N802
    for path, (_value, error) in _grant_dates(grant).items():
        if error and "does not match format" not in error and "unconverted data" not in error:
            return [path]
    return []


def PlannedStartDateBeforeEndDate(grant):  # noqa: N802
    dates = _grant_dates(grant)
    start, end = dates["/plannedDates/0/startDate"][0], dates["/plannedDates/0/endDate"][0]
    return ["/plannedDates/0/startDate"] if start and end and start > end else []


def ActualStartDateBeforeEndDate(grant):  # noqa: N802
    dates = _grant_dates(grant)
    start, end = dates["/actualDates/0/startDate"][0], dates["/actualDates/0/endDate"][0]
    return ["/actualDates/0/startDate"] if start and end and start > end else []


def FarFuturePlannedDates(grant):  # noqa: N802
    limit = _years_from_now(12)
    dates = _grant_dates(grant)
    return [
        path
        for path in ("/plannedDates/0/startDate", "/plannedDates/0/endDate")
        if dates[path][0] and dates[path][0] > limit
    ][:1]


def FarFutureActualDates(grant):  # noqa: N802
    limit = _years_from_now(5)
    dates = _grant_dates(grant)
    return [
        path
        for path in ("/actualDates/0/startDate", "/actualDates/0/endDate")
        if dates[path][0] and dates[path][0] > limit
    ][:1]


def FarPastDates(grant):  # noqa: N802
    limit = _years_from_now(-25)
    return [path for path, (value, _e) in _grant_dates(grant).items() if value and value < limit][
        :1
    ]


def PostDatedAwardDates(grant):  # noqa: N802
    award = _grant_dates(grant)["/awardDate"][0]
    return ["/awardDate"] if award and award > datetime.datetime.now() else []


def RecipientIndDEI(grant):  # noqa: N802
    if "recipientIndividual" in grant and "project" in grant:
        return ["/recipientIndividual/id"]
    return []


def GeoCodePostcode(grant):  # noqa: N802
    if "recipientIndividual" not in grant:
        return []
    postcode = re.compile(r"^\s*[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$", re.IGNORECASE)
    return [
        f"/beneficiaryLocation/{n}/geoCode"
        for n, place in enumerate(grant.get("beneficiaryLocation", []))
        if postcode.match(place.get("geoCode") or "")
    ]


class FileCheck(abc.ABC):
    """A check over the whole file (the tool keeps state across grants); each kind of check
    says what it looks at in `__call__`."""

    def __init__(self):
        self.seen = {}

    @abc.abstractmethod
    def __call__(self, grant): ...


class MoreThanOneFundingOrg(FileCheck):
    """Fails once a second funding organisation id appears in the file."""

    def __call__(self, grant):
        for org in grant.get("fundingOrganization", []):
            self.seen.setdefault(org.get("id"), True)
        return ["/fundingOrganization"] if len(self.seen) > 1 else []


class MultiFundingNamesForOrgId(FileCheck):
    def __call__(self, grant):
        failed = []
        for n, org in enumerate(grant.get("fundingOrganization", [])):
            if self.seen.setdefault(org["id"], org["name"]) != org["name"]:
                failed.append(f"/fundingOrganization/{n}/name")
        return failed


class MultiFundingOrgIdsForName(FileCheck):
    def __call__(self, grant):
        failed = []
        for n, org in enumerate(grant.get("fundingOrganization", [])):
            if self.seen.setdefault(org["name"], org["id"]) != org["id"]:
                failed.append(f"/fundingOrganization/{n}/id")
        return failed


# --- Usefulness (notices) --------------------------------------------------------------


def RecipientOrg360GPrefix(grant):  # noqa: N802
    return [
        f"/recipientOrganization/{n}/id"
        for n, org in enumerate(grant.get("recipientOrganization", []))
        if org["id"].lower().startswith("360g")
    ]


def FundingOrg360GPrefix(grant):  # noqa: N802
    return [
        f"/fundingOrganization/{n}/id"
        for n, org in enumerate(grant.get("fundingOrganization", []))
        if org["id"].lower().startswith("360g")
    ]


def NoRecipientOrgCompanyCharityNumber(grant):  # noqa: N802
    return [
        f"/recipientOrganization/{n}/id"
        for n, org in enumerate(grant.get("recipientOrganization", []))
        if not (org.get("companyNumber") or org.get("charityNumber"))
    ]


def IncompleteRecipientOrg(grant):  # noqa: N802
    return [
        f"/recipientOrganization/{n}/id"
        for n, org in enumerate(grant.get("recipientOrganization", []))
        if not (
            org.get("postalCode") or any(place.get("geoCode") for place in org.get("location", []))
        )
    ]


def NoGrantProgramme(grant):  # noqa: N802
    return [] if grant.get("grantProgramme") else ["/id"]


def NoBeneficiaryLocation(grant):  # noqa: N802
    return [] if grant.get("beneficiaryLocation") else ["/id"]


def TitleDescriptionSame(grant):  # noqa: N802
    title, description = grant.get("title"), grant.get("description")
    return ["/description"] if title and description and title == description else []


def TitleLength(grant):  # noqa: N802
    return ["/title"] if len(grant.get("title", "")) > 140 else []


def NoLastModified(grant):  # noqa: N802
    return [] if grant.get("dateModified") else ["/id"]


def NoDataSource(grant):  # noqa: N802
    return [] if grant.get("dataSource") else ["/id"]


def RecipientIndWithoutToIndividualsDetails(grant):  # noqa: N802
    if "recipientIndividual" in grant and "toIndividualsDetails" not in grant:
        return ["/recipientIndividual/id"]
    return []


def PlannedDurationNotPresent(grant):  # noqa: N802
    try:
        planned = grant["plannedDates"][0]
    except (KeyError, IndexError):
        return ["/id"]
    if planned.get("duration") is not None or (planned.get("startDate") and planned.get("endDate")):
        return []
    return ["/id"]


def BeneficiaryLocationNameButNoCode(grant):  # noqa: N802
    return [
        f"/beneficiaryLocation/{n}/name"
        for n, place in enumerate(grant.get("beneficiaryLocation", []))
        if place.get("name") and not place.get("geoCode")
    ]


def BeneficiaryButNotRecipientGeoData(grant):  # noqa: N802
    if grant.get("recipientIndividual"):
        return []
    first = grant["recipientOrganization"][0]
    if (
        grant.get("beneficiaryLocation")
        and not first.get("postalCode")
        and not first.get("location")
    ):
        return ["/recipientOrganization/0/id"]
    return []


def RecipientGeoDataButNoBeneficiary(grant):  # noqa: N802
    if grant.get("recipientIndividual"):
        return []
    if grant["recipientOrganization"][0].get("location") and not grant.get("beneficiaryLocation"):
        return ["/recipientOrganization/0/location"]
    return []


QUALITY = [
    ZeroAmountTest,
    FundingOrgUnrecognisedPrefix,
    RecipientOrgUnrecognisedPrefix,
    RecipientOrgCharityNumber,
    RecipientOrgCompanyNumber,
    OrganizationIdLooksInvalid,
    OrganizationIdUnexpectedChars,
    GrantIdUnexpectedChars,
    MoreThanOneFundingOrg,
    LooksLikeEmail,
    ImpossibleDates,
    PlannedStartDateBeforeEndDate,
    ActualStartDateBeforeEndDate,
    FarFuturePlannedDates,
    FarFutureActualDates,
    FarPastDates,
    PostDatedAwardDates,
    RecipientIndDEI,
    GeoCodePostcode,
    MultiFundingNamesForOrgId,
    MultiFundingOrgIdsForName,
]
USEFULNESS = [
    RecipientOrg360GPrefix,
    FundingOrg360GPrefix,
    NoRecipientOrgCompanyCharityNumber,
    IncompleteRecipientOrg,
    NoGrantProgramme,
    NoBeneficiaryLocation,
    TitleDescriptionSame,
    TitleLength,
    NoLastModified,
    NoDataSource,
    RecipientIndWithoutToIndividualsDetails,
    PlannedDurationNotPresent,
    BeneficiaryLocationNameButNoCode,
    BeneficiaryButNotRecipientGeoData,
    RecipientGeoDataButNoBeneficiary,
]


def run(checks, package: dict) -> dict[str, list[str]]:
    """{check name: the failing paths} over every grant, for the checks that fail."""
    instances = [check() if isinstance(check, type) else check for check in checks]
    failures: dict[str, list[str]] = {}
    for number, grant in enumerate(package["grants"]):
        for check in instances:
            name = type(check).__name__ if isinstance(check, FileCheck) else check.__name__
            for path in check(grant):
                failures.setdefault(name, []).append(f"grants/{number}{path}")
    return failures
