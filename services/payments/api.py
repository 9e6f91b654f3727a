"""payments HTTP API."""

from flask_smorest import Blueprint

from common.auth import check_business, current_principal, login_required
from common.cache import TTL
from common.http import cached_pollable

from . import services
from .schemas import SaleListSchema

bp = Blueprint("payments", __name__, url_prefix="/api/payments", description="Sales and payments")


@bp.get("/businesses/<business>/sales")
@bp.doc(
    responses={200: {"description": "Sales", "content": {"application/json": {"schema": SaleListSchema}}}}
)
@login_required()
def list_sales(business: str):
    """Recent sales of a business, newest first (pollable: ETag, 304, as_of)."""
    check_business(current_principal(), business)
    return cached_pollable(
        "sales",
        business,
        "recent",
        TTL["summary"],
        lambda: SaleListSchema().dump({"items": services.list_sales(business)}),
    )
