"""inventory HTTP API."""

from flask_smorest import Blueprint

from common.auth import check_business, current_principal, login_required
from common.cache import TTL
from common.http import cached_pollable

from . import services
from .schemas import ProductListSchema

bp = Blueprint("inventory", __name__, url_prefix="/api/inventory", description="Products and stock")


@bp.get("/businesses/<business>/products")
@bp.doc(
    responses={
        200: {"description": "Products", "content": {"application/json": {"schema": ProductListSchema}}}
    }
)
@login_required()
def list_products(business: str):
    """Products of a business with prices and stock levels (pollable: ETag, 304, as_of)."""
    check_business(current_principal(), business)
    return cached_pollable(
        "products",
        business,
        "list",
        TTL["stock"],
        lambda: ProductListSchema().dump({"items": services.list_products(business)}),
    )
