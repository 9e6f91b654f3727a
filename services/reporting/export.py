"""CSV downloads of reports: the same rows as the JSON, money as plain decimal strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .schemas import columns

# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)  # a negative number is data, not a formula
        except ValueError:
            return "'" + value
    return value


def csv_text(columns: Iterable[str], rows: Iterable[dict]) -> str:
    """CSV with a header row, cells that spreadsheets would run as formulas quoted."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return out.getvalue()


def report_csv(body: dict) -> tuple[str, str]:
    """A dumped report (see schemas.dump_report) as (file name, CSV text)."""
    name = f"tomtin-{body['report']}-{body['business']}-{body['from']}-{body['to']}.csv"
    return name, csv_text(columns(body["report"]), body["rows"])
