"""Every Excel download shows each amount exactly as the portal does (portal.money.format_kroner):
øre when there are any (225.500,50 kr., not 225.501 kr.), none when there are none, and a
sheet name cut after a whole word.

The test walks the URL configuration like tests/test_downloads.py, after every amount in the
data got 50 øre, and reads every money cell (a number format with "kr.") the way Danish
Excel displays it.
"""

import io
import re
from decimal import Decimal

import openpyxl
from django.apps import apps
from django.core.cache import caches
from django.db import models
from django.db.models import F
from django.urls import reverse

from grants.documents.excel import sheet_title
from grants.models import Pool
from portal.money import format_kroner
from tests.test_downloads import (
    DOWNLOADS,
    arguments,
    body,
    first_answer,
    kind_of,
    objects,  # noqa: F401 - the fixture
    url_patterns,
)

ORE = Decimal("0.50")


def add_ore_to_every_amount() -> None:
    for model in apps.get_app_config("grants").get_models():
        if model._meta.proxy or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DecimalField) and field.decimal_places == 2:
                model.objects.filter(**{f"{field.name}__isnull": False}).update(
                    **{field.name: F(field.name) + ORE}
                )
    for cache in caches.all():
        cache.clear()


def displayed(value, number_format: str) -> str:
    """What Danish Excel shows for a number in one of the portal's kroner formats."""
    decimals = 2 if "0.00" in number_format else 0
    text = f"{abs(Decimal(str(value))):,.{decimals}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{'-' if value < 0 else ''}{text} kr."


def money_cells(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if "kr." in str(cell.number_format) and cell.value is not None:
                    yield sheet, cell


def test_every_excel_download_shows_amounts_as_the_portal_does(objects):  # noqa: F811
    pool = Pool.objects.get(pk=objects["puljer"])
    pool.title = "Integrationspuljen 2027 (eksempel) for hele kommunen"
    pool.save()
    add_ore_to_every_amount()
    checked, with_ore_somewhere = set(), set()
    for name, route, _pattern in url_patterns():
        # The Excel downloads as tests/test_downloads.py finds them among every address
        # (asking each address again here took half a minute).
        if DOWNLOADS.get(name) != "xlsx":
            continue
        response = first_answer(reverse(name, kwargs=arguments(route, objects)))
        assert response is not None and kind_of(response) == "xlsx", name
        workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
        cells = list(money_cells(workbook))
        numbers = [(s, c) for s, c in cells if c.data_type == "n"]
        assert numbers, f"{name}: no amounts"
        if any(Decimal(str(c.value)) % 1 for _s, c in numbers):
            with_ore_somewhere.add(name)
        for sheet, cell in numbers:
            assert displayed(cell.value, cell.number_format) == format_kroner(
                Decimal(str(cell.value))
            ), f"{name} {sheet.title}!{cell.coordinate}"
        # A sum shows øre when a number in its column has any.
        with_ore = {(s.title, c.column) for s, c in numbers if Decimal(str(c.value)) % 1}
        for sheet, cell in cells:
            if cell.data_type == "f" and (sheet.title, cell.column) in with_ore:
                assert "0.00" in cell.number_format, f"{name} {sheet.title}!{cell.coordinate}"
        # Dates are dates, shown the Danish way (fresh eyes round 9: "Indsendt" was the
        # text 2026-12-02, and projekter.xlsx showed 2021-01-01).
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    where = f"{name} {sheet.title}!{cell.coordinate}"
                    assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cell.value or "")), where
                    if cell.is_date:
                        assert cell.number_format == "dd-mm-yyyy", where
        checked.add(name)
        if name == "dokumenter:pool-xlsx":
            assert workbook.sheetnames == ["Integrationspuljen 2027 …"]
    assert {"dokumenter:queue-xlsx", "dokumenter:pool-xlsx", "public:projects-xlsx"} <= checked
    assert {"dokumenter:action-plan-xlsx", "dokumenter:recommendation-xlsx"} <= checked
    assert {"dokumenter:queue-xlsx", "dokumenter:pool-xlsx", "public:projects-xlsx"} <= (
        with_ore_somewhere
    )


def test_sheet_names_are_cut_after_a_whole_word():
    assert sheet_title("Integrationspuljen 2027 (eksempel)") == "Integrationspuljen 2027 …"
    assert sheet_title("Kort navn") == "Kort navn"
    assert len(sheet_title("x" * 40)) <= 31
    assert all(len(sheet_title(t)) <= 31 for t in ["a " * 30, "Æblegrød " * 5, "a/b:c" * 9])
