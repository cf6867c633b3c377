"""Excel workbooks with openpyxl: real numbers, formulas for sums, Danish headers.

Every cell goes through `portal.exports.safe_cell` (via `put`): text that a spreadsheet
would read as a formula is neutralised, so a project title can never run code in a
politician's Excel; the sums are `Formula`s, the only cells that may start with "=".
"""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from grants.selectors import committees_label
from portal.exports import Formula, column_sum, safe_cell

from .content import ActionPlanDocument, RecommendationDocument

# Amounts show as the portal shows them (portal.money.format_kroner): øre only when there
# are any. Excel has no format that shows decimals only when present, so each cell gets the
# format its value needs, and a sum the one its column needs.
KRONER_FORMAT = '#,##0 "kr."'
KRONER_ORE_FORMAT = '#,##0.00 "kr."'
MONEY = "money"  # a format in `row_cells`: the kroner format the value needs
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF2")


def cell_value(value):
    value = safe_cell(value)
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def store(cell, value):
    """Put `value` in `cell`. Text is stored as a string cell, which no spreadsheet runs, so
    it keeps exactly what was typed; the CSV files' leading apostrophe (portal.exports) would
    show as part of the title here (attack round 15). Only our own `Formula` is a formula."""
    stored = cell_value(value)
    if isinstance(stored, str) and not isinstance(value, Formula):
        cell.value = str(value)
        cell.data_type = "s"
    else:
        cell.value = stored
    return cell


def has_ore(value) -> bool:
    return isinstance(value, int | float | Decimal) and value != int(value)


def kroner_format(*values) -> str:
    """The number format that shows these amounts as the portal does."""
    return KRONER_ORE_FORMAT if any(has_ore(v) for v in values) else KRONER_FORMAT


SHEET_TITLE_LENGTH = 31  # Excel's limit


def sheet_title(title) -> str:
    """A sheet name Excel accepts: a name, never a cell, so no formula; without the characters
    Excel refuses there ([]:*?/\\) and without an apostrophe at either end; a longer title cut
    after a whole word, with "…" ("Integrationspuljen 2027 …", not "… 2027 (eksemp")."""
    name = re.sub(r"[\[\]:*?/\\]", "-", str(title)).strip()
    if len(name) > SHEET_TITLE_LENGTH:
        room = SHEET_TITLE_LENGTH - 2  # for " …"
        space = name.rfind(" ", 0, room + 1)
        cut = name[:space] if space > 0 else name[:room]
        name = cut.rstrip(" ([{-–,;.") + " …"
    name = name.strip("'")
    return name or _("Ark")


# A date as Danish Excel shows it (02-12-2026), not the ISO form of the CSV files.
DANISH_DATE = "dd-mm-yyyy"


def put(sheet, row: int, column: int, value):
    """The one way a value gets into a cell. A `Formula` must say what it comes to."""
    cell = store(sheet.cell(row=row, column=column), value)
    if isinstance(value, Formula):
        if value.value is None:
            raise ValueError(f"{value} has no value to store beside it")
        sheet.parent.__dict__.setdefault("formula_values", {})[sheet.title, cell.coordinate] = (
            cell_value(value.value)
        )
    return cell


def write_only_workbook() -> Workbook:
    """A workbook in openpyxl's write-only mode: each appended row goes to a temporary file at
    once, so a national export never holds its sheet in memory. Rows go in through
    `row_cells`."""
    return Workbook(write_only=True)


def row_cells(sheet, values: Sequence, formats: Sequence = (), header: bool = False) -> list:
    """The one way values get into a write-only sheet's row: each through `cell_value`, with
    its number format (None for none) or, for a header, the header's look."""
    cells = []
    for value, number_format in zip(values, list(formats) + [None] * len(values), strict=False):
        cell = store(WriteOnlyCell(sheet), value)
        if number_format == MONEY:
            number_format = kroner_format(value)
        if number_format and value is not None:
            cell.number_format = number_format
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    return cells


def write_header(sheet, row: int, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = put(sheet, row, column, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_rows(sheet, first_row: int, rows: Iterable[Sequence], money_columns=()) -> int:
    """Write rows; return the number of the last row written. A date is a real date, shown
    the Danish way (the CSV beside it keeps ÅÅÅÅ-MM-DD)."""
    row_number = first_row - 1
    for row_number, row in enumerate(rows, start=first_row):
        for column, value in enumerate(row, start=1):
            cell = put(sheet, row_number, column, value)
            if column in money_columns:
                cell.number_format = kroner_format(value)
            elif isinstance(value, datetime.date):
                cell.number_format = DANISH_DATE
    return row_number


def column_total(rows: Sequence[Sequence], column: int):
    """What a money column sums to (`column` counted from 1): the value stored beside its
    `=SUM`."""
    return sum(
        (
            Decimal(str(v))
            for row in rows
            if len(row) >= column
            for v in [row[column - 1]]
            if isinstance(v, int | float | Decimal) and not isinstance(v, bool)
        ),
        Decimal(0),
    )


def column_format(rows: Sequence[Sequence], column: int) -> str:
    """The format of a money column's sum (`column` counted from 1)."""
    return kroner_format(*(row[column - 1] for row in rows if len(row) >= column))


def widths(sheet, values: Sequence[int]) -> None:
    for column, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def to_bytes(workbook: Workbook) -> bytes:
    """The file, with each formula's value stored beside it (openpyxl writes an empty <v>),
    and the workbook marked to be recalculated when a spreadsheet opens it."""
    workbook.calculation.fullCalcOnLoad = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    values = workbook.__dict__.get("formula_values")
    if not values:
        return buffer.getvalue()
    return _with_formula_values(buffer.getvalue(), workbook, values)


# A formula cell as openpyxl writes it: <c r="C7" s="3"><f>SUM(C4:C6)</f><v></v></c>
FORMULA_CELL = re.compile(r'(<c r="([A-Z]+[0-9]+)"[^>]*><f>[^<]*</f>)<v\s*/?>(?:</v>)?</c>')


def _with_formula_values(content: bytes, workbook: Workbook, values: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    # openpyxl names the sheets' parts in the workbook's order.
    parts = {
        f"xl/worksheets/sheet{n}.xml": sheet.title
        for n, sheet in enumerate(workbook.worksheets, start=1)
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            title = parts.get(item.filename)
            if title is not None:

                def stored(match, title=title):
                    value = values.get((title, match.group(2)))
                    if value is None:
                        return match.group(0)
                    return f"{match.group(1)}<v>{value}</v></c>"

                data = FORMULA_CELL.sub(stored, data.decode()).encode()
            target.writestr(item, data)
    return out.getvalue()


def action_plan_xlsx(doc: ActionPlanDocument) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(doc.schemes or _("Oversigt"))
    put(sheet, 1, 1, doc.plan.title).font = Font(bold=True, size=14)
    years = doc.table.years
    headers = [_("Indsats"), _("Udvalg")] + [g.label for g in doc.goals]
    headers += [_("Tilskud %(year)s") % {"year": year} for year in years]
    write_header(sheet, 3, headers)
    first_money = len(headers) - len(years) + 1
    money_columns = range(first_money, len(headers) + 1)
    rows = [
        [f"{n}. {row.title}", row.committees]
        + ["X" if mark else "" for mark in doc.marks(row.application)]
        + [row.amount(year) for year in years]
        for n, row in enumerate(doc.table.rows, start=1)
    ]
    rows += [
        [row.title, ""] + [""] * len(doc.goals) + [row.amount(year) for year in years]
        for row in doc.table.reserved
    ]
    last = write_rows(sheet, 4, rows, money_columns)
    sum_row = last + 1
    put(sheet, sum_row, 1, _("I alt")).font = HEADER_FONT
    for column in money_columns:
        letter = get_column_letter(column)
        cell = put(sheet, sum_row, column, column_sum(letter, 4, last, column_total(rows, column)))
        cell.number_format = column_format(rows, column)
        cell.font = HEADER_FONT
    widths(sheet, [60, 10] + [8] * len(doc.goals) + [16] * len(years))
    legend = workbook.create_sheet(sheet_title(_("Målsætninger")))
    write_header(legend, 1, [_("Kolonne"), _("Målsætning")])
    write_rows(legend, 2, [[g.label, g.title] for g in doc.goals])
    widths(legend, [12, 80])
    return to_bytes(workbook)


def recommendation_xlsx(doc: RecommendationDocument) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(_("Indstilling"))
    put(sheet, 1, 1, doc.title).font = Font(bold=True, size=14)
    headers = [_("Indsats"), _("Udvalg")]
    for year in doc.years:
        headers += [
            _("Ansøgt %(year)s") % {"year": year},
            _("Indstillet %(year)s") % {"year": year},
        ]
    headers.append(_("Sekretariatets vurdering"))
    write_header(sheet, 3, headers)
    money_columns = range(3, 3 + 2 * len(doc.years))
    rows = []
    for row in doc.rows:
        values = [
            row.application.title,
            committees_label(row.application),
        ]
        for requested, recommended in zip(row.requested, row.recommended, strict=True):
            values += [requested, recommended]
        rows.append(values + [row.summary])
    last = write_rows(sheet, 4, rows, money_columns)
    sum_row = max(last, 3) + 1
    put(sheet, sum_row, 1, _("I alt")).font = HEADER_FONT
    for column in money_columns:
        letter = get_column_letter(column)
        cell = put(sheet, sum_row, column, column_sum(letter, 4, last, column_total(rows, column)))
        cell.number_format = column_format(rows, column)
        cell.font = HEADER_FONT
    row = sum_row + 2
    write_header(
        sheet, row, [_("År"), _("Indstillet"), _("Til rådighed"), _("Rest efter indstilling")]
    )
    for offset, total in enumerate(doc.totals, start=1):
        recommended = 3 + 2 * (offset - 1) + 1
        recommended_sum = column_total(rows, recommended)
        r = row + offset
        put(sheet, r, 1, total["year"])
        shown = kroner_format(total["recommended"], total["available"])
        formula = Formula(f"={get_column_letter(recommended)}{sum_row}", recommended_sum)
        put(sheet, r, 2, formula).number_format = shown
        if total["available"] is None:
            # No pool for the year: nothing to subtract from (fresh eyes round 12: an empty
            # cell made the rest a negative amount, where the page and the PDF say "–").
            put(sheet, r, 3, total["no_pool"])
            put(sheet, r, 4, total["no_pool"])
            continue
        put(sheet, r, 3, total["available"]).number_format = kroner_format(total["available"])
        rest = Formula(f"=C{r}-B{r}", total["available"] - recommended_sum)
        put(sheet, r, 4, rest).number_format = shown
    widths(sheet, [50, 10] + [16] * (2 * len(doc.years)) + [60])
    return to_bytes(workbook)


def table_xlsx(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], money_columns=()
) -> bytes:
    """A plain sheet for staff exports (review queue, pool status, reports)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    write_header(sheet, 1, headers)
    write_rows(sheet, 2, rows, money_columns)
    widths(sheet, [max(12, min(60, len(str(h)) + 4)) for h in headers])
    sheet.freeze_panes = "A2"
    return to_bytes(workbook)
