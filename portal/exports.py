"""Every cell of every CSV and Excel file the portal writes goes through `safe_cell`.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one)
as a formula: `=HYPERLINK("http://evil")` in a project title would become a link in every
reader's spreadsheet (OWASP "CSV injection"). Text that starts like that, also after leading
spaces, gets a leading apostrophe, which spreadsheets show as text and do not evaluate.

Numbers stay numbers: pass them as int, float or Decimal, never as preformatted strings.
Formulas the portal writes itself (sums in the Excel documents) are wrapped in `Formula`,
so they are the only cells that may start with "=".
"""

import csv
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_FORMULA_STARTS = ("=", "+", "-", "@")


class Formula(str):
    """A formula the code writes deliberately (e.g. `=SUM(C4:C9)`); never user text. `value`
    is what it comes to, stored beside it in the file: a spreadsheet recalculates, but a
    preview (mail, phone, file browser) shows only the stored value (fresh eyes round 15: the
    totals were blank there)."""

    def __new__(cls, text: str, value=None):
        formula = super().__new__(cls, text)
        formula.value = value
        return formula


def column_sum(letter: str, first: int, last: int, value=None):
    """The sum of rows `first`..`last` of a column: a `=SUM(…)` formula, or 0 when there are
    no rows (=SUM(H4:H3) in the row below an empty table summed its own cell)."""
    if last < first:
        return 0
    return Formula(f"=SUM({letter}{first}:{letter}{last})", value)


def safe_text(value) -> str:
    """A string that no spreadsheet will evaluate: text that starts like a formula (also
    after leading whitespace) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(TEXT_FORMULA_STARTS):
        return "'" + text
    return text


def safe_cell(value):
    """The value to put in a spreadsheet cell: our own formulas and numbers, dates and empty
    cells as they are, everything else as text that cannot run."""
    if isinstance(value, Formula):
        return str(value)
    if value is None or isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if hasattr(value, "isoformat"):  # date, datetime, time
        return value
    return safe_text(value)


def csv_value(value) -> str:
    """One CSV field: a decimal in plain notation (not 1E+2), nothing for None."""
    value = safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class SafeCsvWriter:
    """`csv.writer` whose every field passes through `safe_cell`."""

    def __init__(self, stream, **options):
        self.writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self.writer.writerow([csv_value(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options) -> SafeCsvWriter:
    """The only CSV writer for downloads."""
    return SafeCsvWriter(stream, **options)
