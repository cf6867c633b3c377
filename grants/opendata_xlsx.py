"""projekter.xlsx: the rows of projekter.csv as a spreadsheet a Danish user can open with a
double-click: numbers as numbers (amounts in kroner with the reader's own separators), the
decision date as a date, æ, ø and å intact, whatever the reader's Excel expects of a CSV.

openpyxl's write-only mode writes each row to a temporary file as it goes, so a national
export (tens of thousands of rows) holds one chunk of projects in memory, never the sheet;
the finished file is kept until the rows change and sent from disk in blocks
(grants/views/opendata.py). Every cell
goes through `portal.exports.safe_cell` (grants.documents.excel.cell_value).
"""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from grants.documents.excel import (
    DANISH_DATE,
    MONEY,
    row_cells,
    sheet_title,
    write_only_workbook,
)
from grants.opendata import (
    CSV_COLUMNS,
    CSV_FIELDS,
    CSV_NAMES,
    CSV_RELATIONS,
    Labels,
    csv_stream,
    rows_of,
)
from grants.opendata_rows import project_chunks
from portal import site

# Column widths in characters, and the number formats of the typed columns.
WIDTHS = {"indsats": 40, "maal": 50, "maalgruppe": 30, "url": 40, "politik": 28, "pulje": 26}
WIDTHS |= {"kommune": 24, "afdeling": 28, "beloeb_kr": 16, "afgoerelsesdato": 16, "status": 14}
FORMATS = {
    "projekt_id": "0",
    "aar": "0",
    "beloeb_kr": MONEY,
    "afgoerelsesdato": DANISH_DATE,
}


# What a column holds where the workbook shows it otherwise than the CSV writes it (fresh
# eyes round 22: the sheet said "punktum som decimaltegn" and "ÅÅÅÅ-MM-DD" beside amounts
# in kroner and Danish dates).
XLSX_MEANINGS = {
    "beloeb_kr": gettext_lazy("Beløb i kroner (et tal); tomt hvis kilden ikke oplyser det"),
    "afgoerelsesdato": gettext_lazy(
        "Datoen for udvalgets afgørelse (en dato); for projekter indlæst fra en handleplan uden "
        "mødedato 1. januar i bevillingens første år. En bevilling over flere år har én "
        "afgørelse: rækkerne for de følgende år har samme dato"
    ),
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
                    # The address as text, not a hyperlink: openpyxl keeps every hyperlink of
                    # a write-only sheet in memory until the end (+60 MiB at 50,000 projects,
                    # bench/memory.py), and the download must stay flat.
                    sheet.append(row_cells(sheet, row, formats))
        about = workbook.create_sheet(sheet_title(_("Kolonner")))
        about.column_dimensions["A"].width = 18
        about.column_dimensions["B"].width = 100
        about.append(row_cells(about, [_("Kolonne"), _("Indhold")], header=True))
        for name, meaning in CSV_COLUMNS:
            about.append(row_cells(about, [name, str(XLSX_MEANINGS.get(name, meaning))]))
        about.append([])
        about.append(row_cells(about, [_("Licens"), "CC BY 4.0"]))
        about.append(row_cells(about, [_("Kilde"), labels.data_url]))
    workbook.save(target)


def projects_xlsx_file(base_url: str | None = None) -> IO[bytes]:
    """The workbook for the public data as it is now, opened for reading.

    Building it takes seconds at national scale (60,000 rows), so it is built once per
    version of the data and kept as a file in OPEN_DATA_FILES_DIR; every download until the
    next change is read from that file. The version is the digest of projekter.csv as it is
    now (the same rows), not the public page cache's counter: that counter is per worker
    without a shared cache, and moves only on the changes its signals see, so the workbook
    lagged behind the CSV after a grant. Reading the rows costs what a CSV download costs
    (docs/performance.md); building the workbook costs many times more. Each app server
    keeps its own file. It is written under a temporary name and renamed, so a reader never
    sees half a file; older versions are removed (a download still reading one keeps it
    open)."""
    base_url = site.base_url() if base_url is None else base_url
    digest = hashlib.sha256(f"{base_url}|".encode())
    for piece in csv_stream(base_url):
        digest.update(piece.encode())
    key = digest.hexdigest()[:20]
    directory = Path(settings.OPEN_DATA_FILES_DIR)
    path = directory / f"projekter-{key}.xlsx"
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    part = tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False)  # noqa: SIM115
    try:
        write_projects_xlsx(part, base_url)
        part.flush()
        os.replace(part.name, path)
    except BaseException:
        part.close()
        Path(part.name).unlink(missing_ok=True)
        raise
    # Older versions go; a download still reading one (here or in another process) keeps
    # its open file, as this one keeps `part`.
    for old in directory.glob("projekter-*.xlsx"):
        if old != path:
            old.unlink(missing_ok=True)
    part.seek(0)
    return part
