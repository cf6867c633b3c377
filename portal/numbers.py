"""Numbers that are not money (targets, results, indicator gaps) shown as typed: `80,5`
stays `80,5` (not `80,50`), `100` stays `100`, in the page's language."""

from decimal import Decimal

from django.utils.formats import number_format


def format_number(value) -> str:
    """`Decimal('80.50')` → `80,5` in Danish, `80.5` in English; None → ``."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    # normalize() strips trailing zeros but writes 100 as 1E+2: keep integers whole.
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(number, use_l10n=True, force_grouping=True)
