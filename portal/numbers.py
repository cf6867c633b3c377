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


def format_file_size(size) -> str:
    """A file's size as the portal's limits say them, in decimal units with a Danish comma:
    "45 byte", "12,3 kB", "2,5 MB" (fresh eyes round 34: Django's "45 bytes" and "2,4 MB"
    in binary units beside the limit's "2,5 MB")."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    size = int(size or 0)
    if size < 1000:
        return ngettext("%(size)s byte", "%(size)s byte", size) % {"size": size}
    if size < 1_000_000:
        return _("%(size)s kB") % {"size": format_number(round(Decimal(size) / 1000, 1))}
    return _("%(size)s MB") % {"size": format_number(round(Decimal(size) / 1_000_000, 1))}
