"""projekter.xlsx: the rows of projekter.csv as a spreadsheet a Danish user can open with a
double-click: numbers as numbers (amounts in kroner with the reader's own separators), the
decision date as a date, æ, ø and å intact, whatever the reader's Excel expects of a CSV.

openpyxl's write-only mode writes each row to a temporary file as it goes, so a national
export (tens of thousands of rows) holds one chunk of projects in memory, never the sheet;
the finished file is then sent from disk in blocks (grants/views/opendata.py). Every cell
goes through `portal.exports.safe_cell` (grants.documents.excel.cell_value).
"""

import tempfile
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from grants.documents.excel import row_cells, sheet_title, write_only_workbook
from grants.opendata import CSV_COLUMNS, CSV_FIELDS, CSV_NAMES, CSV_RELATIONS, Labels, rows_of
from grants.opendata_rows import project_chunks
from portal import site

# Column widths in characters, and the number formats of the typed columns.
WIDTHS = {"indsats": 40, "maal": 50, "maalgruppe": 30, "url": 40, "politik": 28, "pulje": 26}
WIDTHS |= {"kommune": 24, "afdeling": 28, "beloeb_kr": 16, "afgoerelsesdato": 16, "status": 14}
FORMATS = {
    "projekt_id": "0",
    "aar": "0",
    "beloeb_kr": '#,##0.00 "kr."',
    "afgoerelsesdato": "yyyy-mm-dd",
}


def write_projects_xlsx(target: IO[bytes], base_url: str | None = None) -> None:
    """Write the workbook to `target`: the projects, then a sheet on what the columns mean."""
    base_url = site.base_url() if base_url is None else base_url
    workbook = write_only_workbook()
    with translation.override("da"):
        labels = Labels(base_url)
        sheet = workbook.create_sheet(sheet_title(_("Projekter")))
        sheet.freeze_panes = "A2"
        # Printed: landscape, as wide as the page.
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToHeight = 0
        for number, name in enumerate(CSV_NAMES, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = WIDTHS.get(name, 14)
        sheet.append(row_cells(sheet, CSV_NAMES, header=True))
        formats = [FORMATS.get(name) for name in CSV_NAMES]
        for projects in project_chunks(CSV_FIELDS, CSV_RELATIONS):
            for project in projects:
                for row in rows_of(project, labels):
                    sheet.append(row_cells(sheet, row, formats))
        about = workbook.create_sheet(sheet_title(_("Kolonner")))
        about.column_dimensions["A"].width = 18
        about.column_dimensions["B"].width = 100
        about.append(row_cells(about, [_("Kolonne"), _("Indhold")], header=True))
        for name, meaning in CSV_COLUMNS:
            about.append(row_cells(about, [name, str(meaning)]))
        about.append([])
        about.append(row_cells(about, [_("Licens"), "CC BY 4.0"]))
        about.append(row_cells(about, [_("Kilde"), labels.data_url]))
    workbook.save(target)


def projects_xlsx_file(base_url: str | None = None) -> IO[bytes]:
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        write_projects_xlsx(spooled, base_url)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled
