"""Attack round 6 (G): the action plan's Excel file for an empty plan held the circular
formula H4 = =SUM(H4:H3). Every SUM in the Excel documents sums a non-empty range that does
not include its own cell; an empty table sums to 0."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from policies.models import ActionPlan

SUM = re.compile(r"SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")


def bad_sums(content: bytes) -> list[str]:
    problems = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                for c1, r1, c2, r2 in SUM.findall(cell.value):
                    cols = column_index_from_string(c1), column_index_from_string(c2)
                    rows = int(r1), int(r2)
                    if cols[0] > cols[1] or rows[0] > rows[1]:
                        problems.append(f"{cell.coordinate} = {cell.value}: empty range")
                    elif cols[0] <= cell.column <= cols[1] and rows[0] <= cell.row <= rows[1]:
                        problems.append(f"{cell.coordinate} = {cell.value}: its own cell")
    return problems


@pytest.mark.django_db
def test_excel_sums_of_empty_documents_are_not_circular(client, staff_user, policy, make_pool):
    plan = ActionPlan.objects.create(
        policy=policy, title="Tom handleplan", year_start=2027, year_end=2027
    )
    pool = make_pool(year=2027, action_plan=plan)
    client.force_login(staff_user)
    for url in (
        reverse("dokumenter:action-plan-xlsx", args=[plan.pk]),
        reverse("dokumenter:recommendation-xlsx", args=[pool.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response) if response.streaming else response.content
        assert bad_sums(content) == [], url
        sheet = load_workbook(io.BytesIO(content)).active
        totals = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "I alt"]
        assert totals and all(v in (0, None) for v in totals[0][2:] if v != "X"), totals


@pytest.mark.django_db
def test_excel_sums_of_the_demo_plan_are_sound(client, demo):
    from portal.models import User

    client.force_login(User.objects.get(username="frb-sekretariat"))
    plan = ActionPlan.objects.get(title="Integrationspolitikkens handleplan 2021-2022")
    content = client.get(reverse("dokumenter:action-plan-xlsx", args=[plan.pk])).content
    assert "=SUM(" in str([c.value for r in load_workbook(io.BytesIO(content)).active for c in r])
    assert bad_sums(content) == []


@pytest.mark.django_db
def test_the_recommendation_sheet_has_no_rest_for_a_year_without_a_pool(
    client, staff_user, make_pool, make_application
):
    """Fresh eyes round 12: a year with no pool had an empty "Til rådighed" and a rest of
    -1.250,50 kr. from the formula, where the page and the PDF say "–"."""
    pool = make_pool(year=2027, budget="500000")
    make_application(
        status="recommended", amounts={2027: "10000", 2028: "1250.50"}, target_pool=pool
    )
    client.force_login(staff_user)
    content = client.get(reverse("dokumenter:recommendation-xlsx", args=[pool.pk])).content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in (2027, 2028)}
    assert rows[2028][2:4] == ("ingen pulje endnu", "ingen pulje endnu")
    assert isinstance(rows[2027][2], (int, float)) and str(rows[2027][3]).startswith("=C")


def formulas_without_values(content: bytes) -> list[str]:
    """Every formula cell whose stored value is missing or differs from what the formula
    computes over the stored values (a preview shows only the stored value)."""
    formulas = load_workbook(io.BytesIO(content))
    stored = load_workbook(io.BytesIO(content), data_only=True)
    problems = []
    for sheet in formulas.worksheets:
        values = stored[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                value = values[cell.coordinate].value
                expected = computed(values, cell.value)
                if value is None or abs(value - expected) > 0.001:
                    problems.append(f"{cell.coordinate} {cell.value} stored {value!r}")
    return problems


def computed(values, formula: str) -> float:
    def number(coordinate):
        v = values[coordinate].value
        return v if isinstance(v, int | float) else 0

    if match := SUM.fullmatch(formula[1:]):
        c, r1, _, r2 = match.groups()
        return sum(number(f"{c}{r}") for r in range(int(r1), int(r2) + 1))
    if match := re.fullmatch(r"([A-Z]+\d+)-([A-Z]+\d+)", formula[1:]):
        return number(match.group(1)) - number(match.group(2))
    if match := re.fullmatch(r"[A-Z]+\d+", formula[1:]):
        return number(match.group(0))
    raise AssertionError(f"a formula the test does not know: {formula}")


@pytest.mark.django_db
def test_every_excel_formula_has_its_value_stored_beside_it(client, demo):
    """Fresh eyes round 15: the recommendation's totals were formulas with no stored value, so
    a preview (mail, phone) showed them blank. Every document with formulas, on the demo data."""
    from grants.models import Pool
    from portal.models import User

    client.force_login(User.objects.get(username="frb-sekretariat"))
    urls = [
        reverse("dokumenter:action-plan-xlsx", args=[plan.pk]) for plan in ActionPlan.objects.all()
    ]
    urls += [
        reverse("dokumenter:recommendation-xlsx", args=[pool.pk])
        for pool in Pool.objects.filter(municipality__slug="frederiksberg")
    ]
    checked = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        content = b"".join(response) if response.streaming else response.content
        assert formulas_without_values(content) == [], url
        checked += str(
            [c.value for r in load_workbook(io.BytesIO(content)).active for c in r]
        ).count("'=")
    assert checked > 10
