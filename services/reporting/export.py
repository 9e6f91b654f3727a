"""CSV downloads of reports: the same rows as the JSON, money as plain decimal strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

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


def csv_response(filename: str, columns: Iterable[str], rows: Iterable[dict]) -> Response:
    """A CSV attachment with a header row."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def report_csv(body: dict) -> Response:
    """A dumped report (see schemas.dump_report) as a CSV download named after it."""
    name = f"tomtin-{body['report']}-{body['business']}-{body['from']}-{body['to']}.csv"
    return csv_response(name, columns(body["report"]), body["rows"])
