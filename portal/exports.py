"""Helpers for files people open in spreadsheets."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """A string that no spreadsheet will evaluate (OWASP CSV/formula injection): text that
    starts like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
