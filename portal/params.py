"""Whole numbers people (and robots) put in addresses, forms and uploaded files."""


def id_param(value) -> int | None:
    """A database id (or a year) from a query string, form value or CSV cell, or None.

    ASCII digits only: `str.isdigit()` accepts "²" and `str.isdecimal()` accepts "٣", which
    the database's integer columns refuse; and short enough for an integer column."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None
