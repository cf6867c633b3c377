from decimal import Decimal

import pytest
from django.utils import translation

from portal.money import format_kroner, to_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("150000"), "150.000 kr."),
        (Decimal("722000.00"), "722.000 kr."),
        (Decimal("1234567.5"), "1.234.567,50 kr."),
        (0, "0 kr."),
        (Decimal("-40000"), "-40.000 kr."),
        (None, "–"),
        ("", "–"),  # a template's missing value: no server error (fresh eyes round 22)
    ],
)
def test_amounts_are_shown_the_danish_way(value, shown):
    with translation.override("da"):
        assert format_kroner(value) == shown


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        to_money(0.1)
    assert to_money("0.10") + to_money("0.20") == Decimal("0.30")


@pytest.mark.parametrize("typed", ["１２３", "١٢٣", "߁߂", "1.０００"])
def test_only_western_digits_are_numbers(typed):
    """Attack round 4: full-width and Arabic-Indic digits were saved as 123 without a word;
    a number field takes 0-9 only and says so."""
    from django.core.exceptions import ValidationError

    from portal.forms import DanishDecimalField, KronerField

    for field in (KronerField(), DanishDecimalField()):
        with pytest.raises(ValidationError):
            field.clean(typed)


@pytest.mark.parametrize(
    "typed", ["12.000,-", "12.000,- kr.", "kr. 12.000", "12000,-", "12.000 kr", "12.000,–"]
)
def test_amounts_as_danes_write_them_on_forms(typed):
    """Fresh eyes round 15: "12.000,-" was refused, and the association's draft with it."""
    from portal.forms import KronerField

    assert KronerField().clean(typed) == Decimal("12000")


@pytest.mark.parametrize("typed", [",-", "12,-5", "12.00,-", "-12.000,-", "12.000,-,-"])
def test_odd_whole_kroner_marks_are_still_refused(typed):
    from django.core.exceptions import ValidationError

    from portal.forms import KronerField

    with pytest.raises(ValidationError):
        KronerField().clean(typed)


@pytest.mark.parametrize("typed", ["1,2345", "150.000,505", "75000,999 kr."])
def test_too_many_ore_digits_are_said_as_such(typed):
    """Fresh eyes round 22: "1,2345" got the general "Skriv beløbet i kroner …"."""
    from django.core.exceptions import ValidationError

    from portal.forms import KronerField

    with translation.override("da"), pytest.raises(ValidationError) as refused:
        KronerField().clean(typed)
    assert refused.value.messages == [
        "Øre skrives med højst to cifre efter kommaet, fx 150.000,50."
    ]
