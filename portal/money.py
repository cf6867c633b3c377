"""Money is Danish kroner, stored exactly as Decimal with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _

ZERO = Decimal("0.00")
MAX_DIGITS = 14
DECIMAL_PLACES = 2


class MoneyField(models.DecimalField):
    """A kroner amount: Decimal(14, 2). Positive-ness is a model constraint, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Every form of a money field – ModelForms and the admin – types Danish kroner.
        from portal.forms import KronerField

        return super().formfield(**{"form_class": KronerField, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # Keep migrations short: the defaults are part of the field's meaning.
        if kwargs.get("max_digits") == MAX_DIGITS:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == DECIMAL_PLACES:
            del kwargs["decimal_places"]
        return name, path, args, kwargs


def to_money(value) -> Decimal:
    """Exact Decimal kroner from an int, str or Decimal (floats are refused)."""
    if isinstance(value, float):
        raise TypeError("Money must never be a float")
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_kroner(value) -> str:
    """`Decimal('150000')` → `150.000 kr.`; øre are shown only when there are any. Nothing
    (None, or a template's missing value "") is "–", never a server error."""
    if value is None or value == "":
        return "–"
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole, _dot, cents = f"{amount:.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = grouped if cents == "00" else f"{grouped},{cents}"
    return _("%(sign)s%(amount)s kr.") % {"sign": sign, "amount": text}
