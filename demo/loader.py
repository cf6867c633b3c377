"""Load the demo data in fixtures/demo/ (built from the real documents in the seeds).

The JSON files describe municipalities in the documents' own words and figures; this module
turns them into rows, sending money through the same services staff use, so the pools'
budget rule holds for the demo data too. Totals are never stored: they are computed.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grants.models import (
    Application,
    CarryOver,
    ContactPerson,
    Pool,
    PoolStatus,
    RequestedAmount,
    ReservedLine,
    Scheme,
    SuccessCriterion,
)
from grants.services.decisions import do_import_funded_application
from indicators.models import Indicator, Measurement
from policies.models import SDG, ActionPlan, Goal, Policy, Principle, Target
from portal.models import Committee, Department, Municipality, Organisation, Role, User

from .section18 import DEMO_ORGANISATION, load_section_18

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_FILES = ["frederiksberg.json", "koebenhavn.json"]
EXAMPLE_FILE = "eksempeldata.json"
# Demo users exist only where the development-only load_demo command ran.
DEMO_PASSWORD = "demo"  # noqa: S105  # nosec B105

# username → (municipality slug or None, role, department name or None, full name)
DEMO_USERS = [
    (
        "frb-sagsbehandler",
        "frederiksberg",
        Role.CASEWORKER,
        "Center for Integration",
        "Demo Sagsbehandler",
    ),
    ("frb-sekretariat", "frederiksberg", Role.COMMITTEE_STAFF, None, "Demo Sekretariat"),
    ("kbh-sagsbehandler", "koebenhavn", Role.CASEWORKER, None, "Demo Sagsbehandler"),
    ("kbh-sekretariat", "koebenhavn", Role.COMMITTEE_STAFF, None, "Demo Sekretariat"),
    ("admin", None, Role.ADMINISTRATOR, None, "Demo Administrator"),
    # An association's person (the organisation in the department's place).
    ("kbh-forening", "koebenhavn", Role.ORGANISATION, DEMO_ORGANISATION, "Demo Frivillig"),
]


@dataclass
class LoadResult:
    municipalities: list[str] = field(default_factory=list)
    users: list[tuple[str, str]] = field(default_factory=list)
    example_pools: list = field(default_factory=list)


def _money(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _committee(municipality: Municipality, abbreviation: str | None) -> Committee | None:
    if not abbreviation:
        return None
    return Committee.objects.get(municipality=municipality, abbreviation=abbreviation)


def _load_indicator(
    municipality: Municipality, data: dict, *, goal: Goal | None, target: Target | None, order: int
) -> Indicator:
    indicator = Indicator.objects.create(
        municipality=municipality,
        goal=goal,
        target=target,
        order=order,
        title=data["title"],
        unit=data["unit"],
        direction=data["direction"],
        baseline_value=_money(data.get("baseline_value")),
        baseline_year=data.get("baseline_year"),
        baseline_period=data.get("baseline_period") or "",
        baseline_text=data.get("baseline_text") or "",
        target_kind=data.get("target_kind") or "absolute",
        target_value=_money(data.get("target_value")),
        target_year=data.get("target_year"),
        target_text=data.get("target_text") or "",
        comparison_label=data.get("comparison_label") or "",
        source=data.get("source") or "",
    )
    indicator.responsible_committees.set(
        [_committee(municipality, abbr) for abbr in data.get("responsible_committees", [])]
    )
    return indicator


def _load_policy(municipality: Municipality, data: dict) -> Policy:
    policy = Policy.objects.create(
        municipality=municipality,
        title=data["title"],
        subtitle=data.get("subtitle") or "",
        slug=data["slug"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        adopted_on=data.get("adopted_on"),
        adopted_by=data.get("adopted_by") or "",
        summary=data.get("summary") or "",
        target_group=data.get("target_group") or "",
        purpose=data.get("purpose") or "",
        url=data.get("url") or "",
        source=data.get("source") or "",
        # The årshjul: "1. kvartal: årlig opdatering af integrationsbarometeret".
        barometer_update_month=data.get("barometer_update_month"),
    )
    for order, principle in enumerate(data.get("principles", []), start=1):
        Principle.objects.create(
            policy=policy,
            order=order,
            title=principle["title"],
            description=principle.get("description") or "",
        )
    indicator_order = 0
    for goal_data in data.get("goals", []):
        goal = Goal.objects.create(
            policy=policy,
            kind=goal_data["kind"],
            number=goal_data["number"],
            title=goal_data["title"],
            short_title=goal_data.get("short_title") or "",
            description=goal_data.get("description") or "",
            responsible_committee=_committee(municipality, goal_data.get("responsible_committee")),
        )
        for indicator_data in goal_data.get("indicators", []):
            indicator_order += 1
            _load_indicator(
                municipality, indicator_data, goal=goal, target=None, order=indicator_order
            )
        for target_data in goal_data.get("targets", []):
            target = Target.objects.create(
                goal=goal,
                number=target_data["number"],
                text=target_data["text"],
                responsible_committee=_committee(
                    municipality, target_data.get("responsible_committee")
                ),
            )
            for indicator_data in target_data.get("indicators", []):
                indicator_order += 1
                _load_indicator(
                    municipality, indicator_data, goal=None, target=target, order=indicator_order
                )
    return policy


def _load_application(municipality: Municipality, policy: Policy, data: dict) -> Application:
    pool = Pool.objects.get(municipality=municipality, year=data["pool_year"])
    application = Application.objects.create(
        municipality=municipality,
        pool=pool,
        department=Department.objects.get(municipality=municipality, name=data["department"]),
        number=data.get("number"),
        title=data["title"],
        committee=_committee(municipality, data.get("committee")),
        amount_note=data.get("amount_note") or "",
        previous_funding_text=data.get("previous_funding_text") or "",
        other_policy_goals=data.get("other_policy_goals") or "",
        target_group=data.get("target_group") or "",
        challenge=data.get("challenge") or "",
        purpose=data.get("purpose") or "",
        description=data.get("description") or "",
        continuation_learnings=data.get("continuation_learnings") or "",
        anchoring=data.get("anchoring") or "",
        partners=data.get("partners") or "",
        other_funding=data.get("other_funding") or "",
        source=data.get("source") or "",
    )
    application.co_committees.set(
        [_committee(municipality, abbr) for abbr in data.get("co_committees", [])]
    )
    application.goals.set(
        [
            Goal.objects.get(policy=policy, kind=goal["kind"], number=goal["number"])
            for goal in data.get("goals", [])
        ]
    )
    application.sdgs.set(SDG.objects.filter(number__in=data.get("sdgs", [])))
    for year, amount in sorted(data.get("requested", {}).items()):
        RequestedAmount.objects.create(application=application, year=int(year), amount=amount)
    for order, contact in enumerate(data.get("contacts", []), start=1):
        if contact.get("name"):
            ContactPerson.objects.create(
                application=application,
                order=order,
                name=contact["name"],
                title=contact.get("title") or "",
                department=contact.get("department") or "",
                email=contact.get("email") or "",
                phone=contact.get("phone") or "",
            )
    for order, criterion in enumerate(data.get("success_criteria", []), start=1):
        SuccessCriterion.objects.create(
            application=application,
            order=order,
            text=criterion["text"],
            target_value=_money(criterion.get("target_value")),
            unit=criterion.get("unit") or "",
        )
    if data.get("status") in {"active", "approved"}:
        allocated = {
            int(year): Decimal(amount) for year, amount in data.get("allocated", {}).items()
        }
        # "decided_on": the committee's meeting date, only where the source document gives it.
        decided_on = data.get("decided_on")
        do_import_funded_application(
            application_id=application.pk,
            amounts=allocated,
            source=data.get("source") or "",
            meeting_date=datetime.date.fromisoformat(decided_on) if decided_on else None,
        )
    carry = data.get("carry_over")
    if carry:
        CarryOver.objects.create(
            application=application,
            from_pool=Pool.objects.get(municipality=municipality, year=carry["from_year"]),
            to_pool=Pool.objects.get(municipality=municipality, year=carry["to_year"]),
            amount=_money(carry.get("amount")),
            note=data.get("amount_note") or "",
        )
    return application


def load_municipality(data: dict) -> Municipality:
    municipality = Municipality.objects.create(**data["municipality"])
    for committee in data.get("committees", []):
        Committee.objects.create(municipality=municipality, **committee)
    # Parents first, so a department can point at one named earlier or later in the file.
    for department in data.get("departments", []):
        parent_name = department.get("parent")
        parent = None
        if parent_name:
            parent, _created = Department.objects.get_or_create(
                municipality=municipality, name=parent_name
            )
        Department.objects.update_or_create(
            municipality=municipality, name=department["name"], defaults={"parent": parent}
        )
    policy = _load_policy(municipality, data["policy"])
    action_plans = {}
    for plan in data.get("action_plans", []):
        action_plan = ActionPlan.objects.create(
            policy=policy,
            title=plan["title"],
            year_start=plan["year_start"],
            year_end=plan["year_end"],
            introduction=plan.get("introduction") or "",
            source=plan.get("source") or "",
        )
        action_plan.sdgs.set(SDG.objects.filter(number__in=plan.get("sdgs", [])))
        action_plans[plan["title"]] = action_plan
    for pool_data in data.get("pools", []):
        pool = Pool.objects.create(
            municipality=municipality,
            policy=policy,
            action_plan=action_plans.get(pool_data.get("action_plan")),
            year=pool_data["year"],
            title=pool_data["title"],
            budget=_money(pool_data.get("budget")),
            status=pool_data.get("status") or "closed",
        )
        for line in pool_data.get("reserved_lines", []):
            ReservedLine.objects.create(pool=pool, title=line["title"], amount=line["amount"])
    for application in data.get("applications", []):
        _load_application(municipality, policy, application)
    return municipality


def _create_demo_users() -> list[tuple[str, str]]:
    created = []
    for username, slug, role, department_name, full_name in DEMO_USERS:
        municipality = Municipality.objects.get(slug=slug) if slug else None
        department = None
        if role == Role.CASEWORKER:
            departments = Department.objects.filter(municipality=municipality, children=None)
            department = (
                departments.filter(name=department_name).first() if department_name else None
            ) or departments.order_by("name").first()
        organisation = None
        if role == Role.ORGANISATION:
            organisation = Organisation.objects.get(municipality=municipality, name=department_name)
        first_name, last_name = full_name.split(" ", 1)
        user = User(
            organisation=organisation,
            username=username,
            # Every demo user has an address (example.org is reserved), so the demo's mail
            # reaches staff too (fresh eyes round 10: an association's messages notified no
            # one, as the committee staff had none); the organisation's person also signs in
            # with an e-mailed link (printed by the worker's console mail in development).
            email=f"{username}@example.org",
            first_name=first_name,
            last_name=last_name,
            role=role,
            municipality=municipality,
            department=department,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((username, role.label))
    return created


def demo_loaded() -> bool:
    return Municipality.objects.filter(slug="frederiksberg").exists()


def load_demo(directory: Path = DEMO_DIR) -> LoadResult:
    """Load every municipality file and the demo users, all or nothing."""
    result = LoadResult()
    with transaction.atomic():
        for name in DEMO_FILES:
            data = json.loads((directory / name).read_text(encoding="utf-8"))
            result.municipalities.append(load_municipality(data).name)
        load_section_18()
        result.users = _create_demo_users()
        data = json.loads((directory / EXAMPLE_FILE).read_text(encoding="utf-8"))
        result.example_pools = load_example_pools(data)
        load_example_measurements(data)
    return result


def load_example_measurements(data: dict) -> None:
    """Invented yearly values so the barometer's charts show something; always labelled."""
    note = "Eksempeldata: opdigtet værdi til demonstration, ikke kommunens tal."
    rows = []
    for series in data.get("measurements", []):
        indicator = Indicator.objects.get(
            municipality__slug=series["municipality"], order=series["indicator_order"]
        )
        for point in series["values"]:
            rows.append(
                Measurement(
                    indicator=indicator,
                    year=point["year"],
                    value=Decimal(point["value"]),
                    comparison_value=_money(point.get("comparison")),
                    source="Opdigtet til demonstration af barometeret",
                    note=note,
                    is_example=True,
                )
            )
    Measurement.objects.bulk_create(rows)
    # bulk_create sends no signal: the stored statuses of the barometer's index now.
    from indicators.stored_status import refresh_statuses

    refresh_statuses({row.indicator_id for row in rows})


def example_deadline(year: int):
    """31 January of the pool's year at noon, or noon 60 days ahead if that is sooner (a
    deadline falls at a time a municipality would set, not at the minute of loading)."""
    day = max(datetime.date(year, 1, 31), timezone.localdate() + datetime.timedelta(days=60))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def load_example_pools(data: dict) -> list[Pool]:
    """Open pools for next year, marked as example data, so the journeys can be tried."""
    year = timezone.localdate().year + 1
    pools = []
    for item in data["pools"]:
        municipality = Municipality.objects.get(slug=item["municipality"])
        # A round of a named scheme (an association pool); else the municipality's default.
        scheme = (
            Scheme.objects.get(municipality=municipality, name=item["scheme"])
            if "scheme" in item
            else None
        )
        optional = {
            key: item[key]
            for key in ("criteria", "contact", "legal_basis", "applicants", "max_grant_years")
            if key in item
        }
        optional |= {
            key: Decimal(item[key]) for key in ("max_amount", "short_form_below") if key in item
        }
        pool = Pool.objects.create(
            municipality=municipality,
            scheme=scheme,
            policy=Policy.objects.get(municipality=municipality, slug=item["policy"]),
            year=year,
            title=item["title"].format(year=year),
            description=item["description"],
            budget=Decimal(item["budget"]),
            evaluation_threshold=Decimal(item["evaluation_threshold"]),
            application_deadline=example_deadline(year),
            status=PoolStatus.OPEN,
            is_example=True,
            **optional,
        )
        for line in item["reserved_lines"]:
            ReservedLine.objects.create(pool=pool, title=line["title"], amount=line["amount"])
        pools.append(pool)
    return pools
