"""The demo data reproduces the seed documents' figures, computed from allocations."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from grants.models import Allocation, Application, ApplicationStatus, CarryOver, Pool
from grants.selectors import action_plan_table, pool_balance
from indicators.models import Indicator
from policies.models import ActionPlan, Goal, GoalKind, Policy, Target
from portal.money import format_kroner

# Seed 000, Del 2: "Projekter og indsatser i spil til integrationspuljen 2021 og 2022".
SEED_000_TABLE = {
    1: ("Kvinder i job", "AUU", {2021: 150_000}),
    2: ("Fastholdelse i job", "AUU", {2022: 200_000}),
    3: ("Dansk sproglig opkvalificering af unge", "AUU", {2021: 150_000, 2022: 120_000}),
    4: ("Farvel til farvede forventninger", "UU", {2021: 197_000, 2022: 150_000}),
    5: ("Udstyrspulje til borgere med fritidspas", "KFU", {2022: 15_000}),
    6: ("Cricket for piger og kvinder", "KFU", {2021: 10_000}),
    7: ("Projekt Bibliotekets Borgerservice-to-go", "SU/KFU", {2021: 100_000, 2022: 100_000}),
    8: ("Åben Rådgivning", "SU/KFU", {2021: 75_000, 2022: 75_000}),
}


@pytest.fixture
def plan(demo):
    return ActionPlan.objects.get(title="Integrationspolitikkens handleplan 2021-2022")


def test_action_plan_table_sums_are_722000_and_700000(plan):
    table = action_plan_table(plan)
    assert table.sums == {2021: Decimal("722000"), 2022: Decimal("700000")}
    assert [format_kroner(table.sums[year]) for year in (2021, 2022)] == [
        "722.000 kr.",
        "700.000 kr.",
    ]


def test_each_projects_amounts_match_the_document(plan):
    table = action_plan_table(plan)
    assert len(table.rows) == 8
    for row in table.rows:
        title, committees, amounts = SEED_000_TABLE[row.application.number]
        assert row.title.startswith(title)
        assert row.committees == committees
        assert row.amounts == {year: Decimal(amount) for year, amount in amounts.items()}
    [reserved] = table.reserved
    assert reserved.title == "Integrationspriser, netværksdannelse mv."
    assert reserved.amounts == {2021: Decimal("40000"), 2022: Decimal("40000")}


def test_totals_are_computed_from_allocations_not_stored(plan):
    allocation = Allocation.objects.get(application__number=6, pool__year=2021)
    allocation.amount = Decimal("9000")
    allocation.save()
    assert action_plan_table(plan).sums[2021] == Decimal("721000")


def test_pools_are_fully_committed_and_the_2020_carry_overs_are_recorded(demo):
    for year in (2021, 2022):
        balance = pool_balance(Pool.objects.get(municipality__slug="frederiksberg", year=year))
        assert balance["available"] == Decimal("0")
        assert balance["reserved"] == Decimal("40000")
    pool_2020 = Pool.objects.get(municipality__slug="frederiksberg", year=2020)
    continuing = Application.objects.filter(pool=pool_2020, status=ApplicationStatus.ACTIVE)
    assert set(continuing.values_list("title", flat=True)) == {
        "Idrætsrollemodeller i Klub Jokeren og Klub Filippa",
        "Motionsforening for idrætsuvante voksne",
        "Esport for Mangfoldighed",
    }
    assert CarryOver.objects.filter(application__in=continuing, to_pool__year=2021).count() == 3


def test_project_sections_keep_the_documents_text(demo):
    kvinder = Application.objects.get(number=1, pool__year=2021)
    assert kvinder.contacts.get().name == "Linda Øvig Bjerg"
    assert kvinder.previous_funding_text == "Projektet fik også midler for 2020"
    criteria = list(kvinder.success_criteria.all())
    assert len(criteria) == 5
    assert criteria[0].text.startswith("80 % af deltagerne gennemfører det fulde forløb")
    assert criteria[0].target_value == Decimal("80")
    assert kvinder.goals.filter(kind=GoalKind.OBJECTIVE, number=1).exists()
    assert "Bydelsmoruddannelsen" in kvinder.description


def test_frederiksberg_policy_goals_aim_points_and_resources(demo):
    policy = Policy.objects.get(municipality__slug="frederiksberg")
    assert policy.adopted_on.isoformat() == "2019-02-25"
    assert [p.title.split(" ")[0] for p in policy.principles.all()] == [
        "Mangfoldighed",
        "Inklusion",
        "Tilgængelighed",
    ]
    objectives = policy.goals.filter(kind=GoalKind.OBJECTIVE)
    assert objectives.count() == 5
    assert policy.goals.filter(kind=GoalKind.RESOURCE).count() == 4
    assert objectives.get(number=1).title == "Er aktive på arbejdsmarkedet"
    assert Target.objects.filter(goal__policy=policy).count() == 16
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    assert indicator.comparison_label


# Seed 001, "Oversigt over pejlemærker og mål i Integrationspolitik 2019-22": baselines.
KBH_BASELINES = {
    1: [Decimal("15.3"), Decimal("56")],
    2: [Decimal("37")],
    4: [Decimal("39")],
    5: [Decimal("84")],
    6: [Decimal("85"), Decimal("3.1")],
    7: [Decimal("57000"), None, Decimal("9700")],
    9: [Decimal("35"), Decimal("29")],
    11: [Decimal("1.4")],
    12: [Decimal("82")],
    13: [Decimal("56")],
}


def test_copenhagen_has_5_pejlemaerker_13_maal_and_their_indicators(demo):
    policy = Policy.objects.get(municipality__slug="koebenhavn")
    assert policy.goals.count() == 5
    targets = Target.objects.filter(goal__policy=policy).order_by("number")
    assert list(targets.values_list("number", flat=True)) == list(range(1, 14))
    for target in targets:
        baselines = [i.baseline_value for i in target.indicators.order_by("order")]
        assert baselines, f"mål {target.number} has no indicator"
        if target.number in KBH_BASELINES:
            assert baselines == KBH_BASELINES[target.number]


def test_copenhagens_first_indicator_is_20_percent_fewer_than_2018(demo):
    indicator = Indicator.objects.get(
        target__goal__policy__municipality__slug="koebenhavn",
        target__number=1,
        baseline_value=Decimal("15.3"),
    )
    assert indicator.baseline_period == "3. kvartal 2018"
    assert indicator.target_year == 2022
    assert indicator.absolute_target == Decimal("12.24")  # 15,3 pct. less 20 pct.
    assert list(indicator.responsible_committees.values_list("abbreviation", flat=True)) == ["BIU"]


def test_goal_with_objective_and_resource_numbering(demo):
    assert Goal.objects.filter(policy__municipality__slug="frederiksberg", number=1).count() == 2


def test_demo_command_loads_once_and_prints_the_logins(db, capsys):
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)
    output = capsys.readouterr().out
    assert "Demo data is already loaded." in output
    for username in (
        "frb-sagsbehandler",
        "frb-sekretariat",
        "kbh-sagsbehandler",
        "kbh-sekretariat",
        "admin",
    ):
        assert username in output
    frederiksberg_pools = Pool.objects.filter(municipality__slug="frederiksberg")
    assert frederiksberg_pools.filter(is_example=False).count() == 3


def test_example_pools_are_open_marked_and_apart_from_the_seed_data(demo):
    examples = Pool.objects.filter(is_example=True)
    # Each municipality's integration pool, and a round of Copenhagen's § 18 pool that the
    # demo association can apply to.
    assert examples.count() == 3
    section_18 = examples.get(scheme__name="Puljen til frivilligt socialt arbejde")
    assert section_18.open_to_organisations and not section_18.open_to_departments
    for pool in examples:
        assert pool.status == "open"
        assert "(eksempel)" in pool.title
        # "Eksempeldata: …" is said by the pages in the reader's language (test_public_pages),
        # not by the Danish description (fresh eyes, session 31).
        assert "Eksempeldata" not in pool.description
        assert pool.applications.count() == 0
