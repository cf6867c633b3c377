"""Form fields shared by every part of the portal."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.money import MAX_DIGITS, to_money

# "150.000", "150.000,50", "150000", "150 000 kr.", "1.234.567"
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


def parse_kroner(text: str) -> Decimal:
    """Parse an amount the way Danes write it; raise ValueError on anything else."""
    value = text.strip().lower().removesuffix("kr.").removesuffix("kr").strip()
    value = value.replace(" ", "").replace("\u00a0", "")
    if value.startswith("-"):
        raise ValueError("negative")
    whole, comma, cents = value.partition(",")
    if comma and not re.fullmatch(r"\d{1,2}", cents):
        raise ValueError("bad øre")
    if not (_PLAIN.match(whole) or _GROUPED.match(whole)):
        raise ValueError("bad grouping")
    try:
        return to_money(whole.replace(".", "") + ("." + cents if comma else ""))
    except InvalidOperation as error:
        raise ValueError("not a number") from error


class KronerField(forms.Field):
    """An amount in kroner, typed as `150.000` or `150.000,50`; cleaned to Decimal."""

    widget = forms.TextInput

    default_error_messages = {
        "invalid": _(
            "Skriv beløbet i kroner med punktum mellem tusinder og evt. komma før øre, "
            "fx 150.000 eller 150.000,50."
        ),
        "negative": _("Beløbet kan ikke være negativt."),
        "too_large": _("Beløbet er for stort."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("maxlength", "30")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            whole, _dot, cents = f"{value:.2f}".partition(".")
            grouped = f"{int(whole):,}".replace(",", ".")
            return grouped if cents == "00" else f"{grouped},{cents}"
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        value = str(value)
        if len(value) > 30:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        if value.strip().startswith("-"):
            raise ValidationError(self.error_messages["negative"], code="negative")
        try:
            amount = parse_kroner(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(str(int(amount))) > MAX_DIGITS - 2:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


class KronerFilterField(KronerField):
    """For filters in a URL: also accepts a plain number written by a program (150000.50)."""

    def to_python(self, value):
        if isinstance(value, str) and re.fullmatch(r"\d+\.\d{1,2}", value.strip()):
            return to_money(value.strip())
        return super().to_python(value)
