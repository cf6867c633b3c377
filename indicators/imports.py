"""Importing measurements from CSV: every row is checked first; one bad row and nothing is
imported, and the user sees every bad row with its line number and the reason, in Danish."""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal.forms import parse_danish_number
from portal.params import id_param

from .models import Indicator, Measurement
from .services import measurement_value_error, measurement_year_error

COLUMNS = ["indikator_id", "aar", "periode", "vaerdi", "sammenligning", "kilde", "note"]
REQUIRED = ["indikator_id", "aar", "vaerdi"]
MAX_ROWS = 5000
MAX_BYTES = 2 * 1000 * 1000


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_number(text: str) -> Decimal:
    """The form's Danish number (`15,3`, `1.234,5`, `57000`, `1.000` = one thousand), or a
    plain decimal point from a spreadsheet export (`15.3`); raises ValueError for anything
    else (attack round 13: the import read `1.000` as 1 where the form reads 1000, and let
    `1e3`, `1_0` and full-width digits through)."""
    try:
        number = parse_danish_number(text)
    except ValueError:
        value = text.strip().replace("\u2212", "-")
        if not re.fullmatch(r"-?[0-9]+\.[0-9]+", value):
            raise
        number = Decimal(value)
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(text)
    return number


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("encoding")


def parse(data: bytes, *, municipality_id: int) -> ImportResult:
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.errors.append(_("Filen er for stor (højst 2 MB)."))
        return result
    try:
        text = _decode(data)
    except ValueError:
        result.errors.append(_("Filen kan ikke læses som tekst (brug UTF-8)."))
        return result
    text = text.replace("\x00", "")  # NUL bytes are never data; PostgreSQL refuses them
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error:
        result.errors.append(_("Filen kan ikke læses som CSV."))
        return result
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        result.errors.append(
            _("Linje 1: kolonnerne %(missing)s mangler. Første linje skal være: %(columns)s")
            % {"missing": ", ".join(missing), "columns": ";".join(COLUMNS)}
        )
        return result
    reader.fieldnames = header
    indicators = dict(
        Indicator.objects.filter(municipality_id=municipality_id).values_list("pk", "unit")
    )
    seen = {}
    try:
        rows = list(reader)
    except csv.Error:
        result.errors.append(_("Filen kan ikke læses som CSV."))
        return result
    for line, raw in enumerate(rows, start=2):
        if line - 1 > MAX_ROWS:
            result.errors.append(_("Filen har mere end %(max)s rækker.") % {"max": MAX_ROWS})
            break
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        if not any(row.values()):
            continue
        problems = []
        indicator_id = row.get("indikator_id", "")
        if id_param(indicator_id) not in indicators:
            problems.append(
                _("»indikator_id« %(value)s er ikke en af kommunens indikatorer")
                % {"value": indicator_id or "–"}
            )
        year = row.get("aar", "")
        year_error = (
            measurement_year_error(id_param(year))
            if id_param(year) is not None
            else _("skriv et årstal, fx 2024")
        )
        if year_error:
            # The problems are joined into one sentence with its own full stop.
            problems.append(_("»aar«: %(error)s") % {"error": year_error.rstrip(".")})
        values = {}
        for column in ("vaerdi", "sammenligning"):
            if row.get(column) or column == "vaerdi":
                try:
                    values[column] = parse_number(row.get(column, ""))
                except ValueError:
                    problems.append(
                        _("»%(column)s« skal være et tal, fx 15,3") % {"column": column}
                    )
                    continue
                unit = indicators.get(id_param(indicator_id))
                if unit and (error := measurement_value_error(unit, values[column])):
                    problems.append(
                        _("»%(column)s«: %(error)s")
                        % {"column": column, "error": error.rstrip(".")}
                    )
        period = row.get("periode", "")[:60]
        if not problems:
            key = (int(indicator_id), int(year), period)
            if key in seen:
                problems.append(
                    _("samme indikator, år og periode står også på linje %(line)s")
                    % {"line": seen[key]}
                )
            seen[key] = line
        if problems:
            result.errors.append(
                _("Linje %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        result.rows.append(
            {
                "indicator_id": int(indicator_id),
                "year": int(year),
                "period": period,
                "value": values["vaerdi"],
                "comparison_value": values.get("sammenligning"),
                "source": row.get("kilde", "")[:300],
                "note": row.get("note", "")[:2000],
            }
        )
    if not result.rows and not result.errors:
        result.errors.append(_("Filen indeholder ingen målinger."))
    return result


def do_import_measurements(*, data: bytes, municipality_id: int) -> ImportResult:
    """All rows or none: new periods are created, existing ones get the new values."""
    result = parse(data, municipality_id=municipality_id)
    if not result.ok:
        return result
    with transaction.atomic():
        for row in result.rows:
            _measurement, created = Measurement.objects.update_or_create(
                indicator_id=row["indicator_id"],
                year=row["year"],
                period=row["period"],
                defaults={
                    "value": row["value"],
                    "comparison_value": row["comparison_value"],
                    "source": row["source"],
                    "note": row["note"],
                    "is_example": False,
                },
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
