"""inventory HTTP API: parse, call services, dump. Pollable GETs are cached per business."""

import datetime as dt
from functools import partial

from common.audit import AuditEntrySchema, AuditQuerySchema
from common.auth import check_business, current_principal, login_required
from common.cache import TTL
from common.dumping import dump_many
from common.http import cached_pollable, encode, pollable
from common.openapi import Blueprint

from . import services
from .schemas import (
    CostHistoryListSchema,
    CostSchema,
    DeltaQuerySchema,
    MovementCreateSchema,
    MovementListSchema,
    MovementQuerySchema,
    MovementSchema,
    PriceHistoryListSchema,
    PriceHistorySchema,
    PriceSchema,
    ProductCostListSchema,
    ProductCostSchema,
    ProductCreateSchema,
    ProductListSchema,
    ProductSchema,
    ProductUpdateSchema,
    StockItemSchema,
    StockListSchema,
)

bp = Blueprint("inventory", __name__, url_prefix="/api/inventory", description="Products and stock")
# The pollable lists' schemas, built once: building one takes about as long as dumping a list with it.
PRODUCTS, STOCK, PRICES, MOVEMENTS, COSTS = (
    ProductSchema(),
    StockItemSchema(),
    PriceHistorySchema(),
    MovementSchema(),
    ProductCostSchema(),
)


def pollable_doc(schema):
    """OpenAPI for a pollable GET: the JSON body, or 304 when If-None-Match still matches."""
    content = {"application/json": {"schema": schema}}
    return bp.doc(
        responses={200: {"description": "OK", "content": content}, 304: {"description": "Not modified"}}
    )


def _iso(at: dt.datetime) -> str:
    # Truncated to milliseconds: rounding down keeps the delta cursor on the safe side.
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cached(dataset: str, business: str, key: str, ttl: int, rows, schema):
    """A cached, pollable {"items": rows()}."""
    return cached_pollable(dataset, business, key, ttl, lambda: {"items": dump_many(schema, rows())})


def _listing(dataset: str, business: str, since: dt.datetime | None, rows, schema):
    """A cached, pollable list of rows(business, since) whose `as_of` is a safe delta cursor."""

    def build() -> dict:
        with services.reading() as conn:
            as_of = services.watermark(conn)  # before the query: see services.watermark
            found = rows(business, since, conn)
        return {"items": dump_many(schema, found), "as_of": _iso(as_of)}

    key = f"since:{since.astimezone(dt.UTC).isoformat()}" if since else "all"  # exact, not truncated
    return cached_pollable(dataset, business, key, TTL["stock"], build)


@bp.get("/businesses/<business>/products")
@pollable_doc(ProductListSchema)
@login_required()
@bp.arguments(DeltaQuerySchema, location="query", as_kwargs=True)
def list_products(business: str, changed_since: dt.datetime | None = None):
    """Products of a business with prices and stock levels (pollable; `changed_since` for deltas)."""
    check_business(current_principal(), business)
    return _listing("products", business, changed_since, services.list_products, PRODUCTS)


@bp.post("/businesses/<business>/products")
@login_required("owner")
@bp.arguments(ProductCreateSchema)
@bp.response(201, ProductSchema)
def create_product(body: dict, business: str):
    """Add a product to a business (owner)."""
    check_business(current_principal(), business)
    return services.create_product(business, body, current_principal())


@bp.get("/products/<id:product_id>")
@login_required()
@bp.response(200, ProductSchema)
def get_product(product_id: int):
    """One product."""
    return services.get_product(product_id, current_principal())


@bp.patch("/products/<id:product_id>")
@login_required("owner")
@bp.arguments(ProductUpdateSchema)
@bp.response(200, ProductSchema)
def update_product(body: dict, product_id: int):
    """Edit a product's name, unit, reorder level or active flag (owner)."""
    return services.update_product(product_id, body, current_principal())


@bp.put("/products/<id:product_id>/price")
@login_required("owner")
@bp.arguments(PriceSchema)
@bp.response(200, ProductSchema)
def change_price(body: dict, product_id: int):
    """Set a product's price (owner); the old price stays in the history."""
    return services.change_price(product_id, body["price"], current_principal())


@bp.get("/products/<id:product_id>/prices")
@pollable_doc(PriceHistoryListSchema)
@login_required()
def list_prices(product_id: int):
    """A product's price history, newest first (pollable)."""
    business = services.get_product(product_id, current_principal()).business
    rows = partial(services.price_history, product_id, current_principal())
    return _cached("prices", business, f"history:{product_id}", TTL["prices"], rows, PRICES)


@bp.put("/products/<id:product_id>/cost")
@login_required("owner")
@bp.arguments(CostSchema)
@bp.response(200, CostHistoryListSchema)
def change_cost(body: dict, product_id: int):
    """Set what one unit costs (owner); answers the cost history, newest first."""
    return {"items": services.change_cost(product_id, body["cost"], current_principal())}


@bp.get("/businesses/<business>/costs")
@login_required("owner")
@bp.doc(
    responses={
        200: {
            "description": "Products with price and cost",
            "content": {"application/json": {"schema": ProductCostListSchema}},
        }
    }
)
def list_product_costs(business: str):
    """Products of a business with their price and current cost, for the owner (pollable, never shared)."""
    principal = current_principal()
    check_business(principal, business)
    items = dump_many(COSTS, services.list_product_costs(business, principal))
    return pollable(*encode({"items": items}), audience="user")


@bp.get("/products/<id:product_id>/costs")
@login_required("owner")
@bp.response(200, CostHistoryListSchema)
def list_costs(product_id: int):
    """A product's cost history, newest first (owner)."""
    return {"items": services.cost_history(product_id, current_principal())}


@bp.get("/businesses/<business>/stock")
@pollable_doc(StockListSchema)
@login_required()
@bp.arguments(DeltaQuerySchema, location="query", as_kwargs=True)
def list_stock(business: str, changed_since: dt.datetime | None = None):
    """Stock levels of tracked products (pollable; `changed_since` for deltas)."""
    check_business(current_principal(), business)
    return _listing("stock", business, changed_since, services.list_stock, STOCK)


@bp.get("/businesses/<business>/low-stock")
@pollable_doc(StockListSchema)
@login_required()
def list_low_stock(business: str):
    """Active tracked products at or below their reorder level (pollable)."""
    check_business(current_principal(), business)
    rows = partial(services.list_low_stock, business)
    return _cached("low_stock", business, "list", TTL["stock"], rows, STOCK)


@bp.post("/businesses/<business>/movements")
@login_required()
@bp.arguments(MovementCreateSchema)
@bp.response(201, MovementSchema)
def record_movement(body: dict, business: str):
    """Receive, return, adjust or write off stock (adjust and write-off: owner); 200 on a replay."""
    check_business(current_principal(), business)
    movement, created = services.record_movement(business, actor=current_principal(), **body)
    return movement, 201 if created else 200


@bp.get("/businesses/<business>/movements")
@pollable_doc(MovementListSchema)
@login_required()
@bp.arguments(MovementQuerySchema, location="query", as_kwargs=True)
def list_movements(business: str, **args):
    """The stock ledger of a business, newest first (pollable; page with before_id)."""
    check_business(current_principal(), business)
    key = "list:" + ":".join(f"{k}={args.get(k)}" for k in ("product_id", "before_id", "limit"))
    rows = partial(services.list_movements, business, **args)
    return _cached("movements", business, key, TTL["stock"], rows, MOVEMENTS)


@bp.get("/audit")
@login_required("owner")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditEntrySchema(many=True))
def audit_entries(args: dict):
    """The owner's changes to products, prices and stock: who, when, before and after (owner; newest first)."""
    return services.history(args["before_id"], args["limit"])
