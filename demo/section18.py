"""Copenhagen's § 18 pool for voluntary social work ("Puljen til frivilligt socialt arbejde"),
from seed 001 (Københavns Kommune's answer on integration projects 2018-2022, annex 4):
associations apply, and the annex lists grantees with amounts in mio. kr. per year.

Only what the annex says is loaded: the grantees and their amounts per year. No CVR number
is invented (left blank: open data then uses 360Giving's `360G-` fallback), and FAKTI,
Integrationshuset Kringlebakken and Indvandrer Kvindecentret are organisations without
grants here, since their amounts are not carried over. The pool's total budget is not in the
source: each round's budget is the sum of the listed grants, and its description says so.
"""

import datetime
from decimal import Decimal

from grants.models import Application, Pool, PoolStatus, RequestedAmount, Scheme
from grants.services.decisions import do_import_funded_application
from policies.models import Policy
from portal.models import Committee, Municipality, Organisation, OrganisationKind

SCHEME = "Puljen til frivilligt socialt arbejde"
SOURCE = (
    "Københavns Kommune, svar til borgerrepræsentant om integrationsprojekter 2018-2022, "
    "bilag 4: § 18-puljen til frivilligt socialt arbejde (beløb i mio. kr. pr. år)."
)
PURPOSE = (
    "Støtte til frivilligt socialt arbejde efter servicelovens § 18. Foreninger, selvejende "
    "institutioner og andre organisationer kan søge til projekter for en eller flere år, fx "
    "projekter for og med indvandrere og flygtninge."
)
# organisation → {year: kroner}; mio. kr. in the annex (0,1 = 100.000 kr.).
GRANTS = {
    "Frivillighuset": {2019: "100000"},
    "Mødestedet": {2019: "100000", 2020: "100000", 2021: "100000"},
    "Muhabet": {2019: "160000", 2020: "160000", 2021: "160000"},
    "Røde Kors Hovedstaden": {2019: "800000", 2020: "800000"},
    "Foreningen FISKEN": {2019: "185000", 2020: "185000", 2021: "185000"},
}
# "En oversigt over uddelte midler i puljen for 2019 kan ses på Socialudvalgets mødemateriale
# fra 14. november 2018": the committee meeting that decided the 2019 round's grants.
DECIDED_ON = datetime.date(2018, 11, 14)
WITHOUT_GRANTS = ["FAKTI", "Integrationshuset Kringlebakken", "Indvandrer Kvindecentret"]
KINDS = {"Røde Kors Hovedstaden": OrganisationKind.OTHER}
DEMO_ORGANISATION = "FAKTI"  # the demo organisation login's organisation


def load_section_18() -> Scheme:
    municipality = Municipality.objects.get(slug="koebenhavn")
    policy = Policy.objects.filter(municipality=municipality).order_by("pk").first()
    committee = Committee.objects.get(municipality=municipality, abbreviation="SOU")
    scheme = Scheme.objects.create(municipality=municipality, name=SCHEME, description=PURPOSE)
    years = sorted({year for amounts in GRANTS.values() for year in amounts})
    rounds = {}
    for year in years:
        total = sum(Decimal(amounts.get(year, "0")) for amounts in GRANTS.values())
        rounds[year] = Pool.objects.create(
            municipality=municipality,
            scheme=scheme,
            policy=policy,
            year=year,
            title=f"{SCHEME} {year}",
            description=(
                "Budgettet her er summen af de bevillinger, kilden nævner; puljens samlede "
                "ramme står ikke i kilden."
            ),
            budget=total,
            status=PoolStatus.CLOSED,
            applicants="organisations",
            max_grant_years=3,
        )
    for name in [*GRANTS, *WITHOUT_GRANTS]:
        Organisation.objects.create(
            municipality=municipality,
            name=name,
            kind=KINDS.get(name, OrganisationKind.ASSOCIATION),
        )
    for name, amounts in GRANTS.items():
        application = Application.objects.create(
            municipality=municipality,
            pool=rounds[2019],
            organisation=Organisation.objects.get(name=name),
            committee=committee,
            title=f"{name}: frivilligt socialt arbejde",
            # What the annex says of these grants: voluntary social work with and for
            # immigrants and refugees.
            purpose=(
                "Frivilligt socialt arbejde med og for københavnere med indvandrer- eller "
                "flygtningebaggrund, støttet af Puljen til frivilligt socialt arbejde (§ 18)."
            ),
            source=SOURCE,
        )
        for year, amount in amounts.items():
            RequestedAmount.objects.create(application=application, year=year, amount=amount)
        do_import_funded_application(
            application_id=application.pk,
            amounts={year: Decimal(amount) for year, amount in amounts.items()},
            source=SOURCE,
            meeting_date=DECIDED_ON,
        )
    return scheme
