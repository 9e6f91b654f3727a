"""reporting HTTP API: the dashboard (anyone, their businesses) and reports (owner only)."""

from flask import Response
from marshmallow import RAISE

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable
from common.openapi import Blueprint

from . import services
from .export import report_csv
from .schemas import (
    ROW_SCHEMAS,
    ReportArgsSchema,
    ReportSchema,
    RerollResultSchema,
    RerollSchema,
    TodaySchema,
    dump_report,
)

bp = Blueprint("reports", __name__, url_prefix="/api/reports", description="Dashboards and reports")


@bp.get("/businesses/<business>/today")
@bp.doc(responses={200: {"description": "Today", "content": {"application/json": {"schema": TodaySchema}}}})
@login_required()
def today(business: str):
    """Today's dashboard (Nairobi business day) for one business or `all` of yours."""
    businesses = check_business(current_principal(), business, allow_all=True)
    payload = TodaySchema().dump(services.dashboard(business, businesses))
    return pollable(*encode(payload), audience="user" if business == "all" else "business")


@bp.get("/businesses/<business>/reports/<kind>")
@bp.doc(
    parameters=[
        {
            "in": "path",
            "name": "kind",
            "required": True,
            "schema": {"type": "string", "enum": list(ROW_SCHEMAS)},
        }
    ],
    responses={
        200: {
            "description": "The report (JSON), or with format=csv a CSV download",
            "content": {
                "application/json": {"schema": ReportSchema},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
@login_required("owner")
@bp.arguments(ReportArgsSchema, location="query", unknown=RAISE)
def report(args: dict, business: str, kind: str):
    """A report over a date range (owner only); `format=csv` downloads it."""
    businesses = services.scope(business, check_business(current_principal(), business, allow_all=True))
    result = services.run_report(kind, businesses, args["from_"], args["to"], args["limit"])
    body = dump_report(kind, business, args["from_"], args["to"], result)
    if args["format"] == "csv":
        return _download(*report_csv(body))
    return pollable(*encode(body), audience="user")


def _download(filename: str, text: str) -> Response:
    """A private CSV attachment (never stored by a cache: reports are the owner's)."""
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/rollups")
@login_required("owner")
@bp.arguments(RerollSchema)
@bp.response(200, RerollResultSchema)
def reroll(args: dict):
    """Rebuild the roll-ups of a range of closed days (owner only, at most 92 days)."""
    code = services.known_business(args["business"])
    businesses = services.scope(code, check_business(current_principal(), code, allow_all=True))
    return services.reroll(args["from_"], args["to"], businesses)
