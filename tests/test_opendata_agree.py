"""Every download of the same data agrees: projekter.xlsx has what projekter.csv has, right
after a grant, also on an app worker whose public page cache counter did not move (each
gunicorn worker keeps its own without a shared cache; docs/deployment.md). The workbook was
kept per value of that counter and lagged behind the CSV for minutes."""

from django.core.cache import cache

from portal.public_cache import VERSION_KEY
from tests.test_opendata import csv_rows, fund, xlsx


def xlsx_rows(client) -> list[tuple[str, str, str]]:
    sheet = xlsx(client)["Projekter"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = {name: n for n, name in enumerate(rows[0])}
    return sorted(
        (str(row[columns["projekt_id"]]), row[columns["indsats"]], str(row[columns["aar"]]))
        for row in rows[1:]
    )


def csv_keys(client) -> list[tuple[str, str, str]]:
    return sorted((row["projekt_id"], row["indsats"], row["aar"]) for row in csv_rows(client))


def test_the_excel_file_has_a_new_grant_as_soon_as_the_csv(client, demo, make_application):
    assert xlsx_rows(client) == csv_keys(client)  # built, and kept
    version = cache.get(VERSION_KEY)
    fund(make_application(title="Ny bevilling i dag"))
    # This worker's counter stays where it was: the grant went through another worker.
    cache.set(VERSION_KEY, version, timeout=None)
    in_csv = csv_keys(client)
    assert "Ny bevilling i dag" in {title for _id, title, _year in in_csv}
    assert xlsx_rows(client) == in_csv
