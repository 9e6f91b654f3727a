"""reporting HTTP API."""

from flask_smorest import Blueprint

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable

from . import services
from .schemas import TodaySchema

bp = Blueprint("reports", __name__, url_prefix="/api/reports", description="Dashboards and reports")


@bp.get("/businesses/<business>/today")
@bp.doc(responses={200: {"description": "Today", "content": {"application/json": {"schema": TodaySchema}}}})
@login_required()
def today(business: str):
    """Today's figures (Nairobi business day) for one business or `all` of yours."""
    businesses = check_business(current_principal(), business, allow_all=True)
    # Computed live for now: money must never be stale after a sale. The reporting
    # issue adds an event-invalidated cache in front of it.
    payload = TodaySchema().dump(services.today_summary(business, businesses))
    return pollable(*encode(payload), audience="user" if business == "all" else "business")
