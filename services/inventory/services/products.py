"""Products, prices and costs: the catalogue and its owner-only changes, with the history of each.

Every write runs in one transaction that (1) claims a transaction id first, (2) locks or
atomically updates the product row, and (3) stamps `updated_at` with the database clock.
That is what lets `watermark()` hand phones a delta cursor that never skips a row whose
transaction commits late (see the function).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common import audit, delta
from common.auth import Principal, check_business
from common.cache import invalidate
from common.db import fetch_all
from common.errors import Conflict, Forbidden, NotFound
from common.ids import MAX_ID

from ..models import CostHistory, PriceHistory, Product, audit_log, db

# Data sets cached per business; any change to a product or its stock bumps all of them.
DATASETS = ("products", "stock", "low_stock", "movements", "prices")
EDITABLE = ("name", "unit", "reorder_level", "active")


def watermark(conn: sa.Connection | None = None) -> dt.datetime:
    """A delta cursor that never skips a late-committing write (see common.delta); call it
    BEFORE the data query (on the same connection as the query, if one is given)."""
    return delta.watermark(conn or db.session)


@contextlib.contextmanager
def reading() -> Iterator[sa.Connection]:
    """A connection of its own for reads that need no ORM objects (the pollable lists): no
    session to set up and close around them, and it goes back to the pool as soon as they are done.
    In autocommit, so no BEGIN and ROLLBACK round trips: each read takes its own snapshot, and the
    watermark, read first, is older than the list's snapshot as common.delta asks."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


def claim_xid() -> None:
    """Give this transaction its id now, before anything stamps updated_at."""
    delta.claim_xid(db.session)


def changed(business: str) -> None:
    """Bump the cache generation of everything a product or stock change affects."""
    for dataset in DATASETS:
        invalidate(dataset, business)


def _valid_id(product_id: int) -> bool:
    return 0 < product_id <= MAX_ID


# Built once (each poll ran them): building a statement cost about what running it did.
_PRODUCTS = (
    sa.select(*Product.__table__.columns)
    .where(Product.business == sa.bindparam("business"))
    .order_by(Product.active.desc(), Product.name, Product.id)
)
# >=, not >: a row stamped exactly at the cursor must come again; the phone dedupes by id.
_PRODUCTS_SINCE = _PRODUCTS.where(Product.updated_at >= sa.bindparam("since"))


def list_products(
    business: str, changed_since: dt.datetime | None = None, conn: sa.Connection | None = None
) -> list[sa.Row]:
    """Products of one business, active first then by name; with changed_since, only changed ones.

    Read-only rows with a product's attributes, not ORM objects (loading those took about as long
    as the rest of a poll); on `conn` if given (straight through the driver: common.db.fetch_all),
    else in the session."""
    query, params = (_PRODUCTS, {"business": business})
    if changed_since is not None:
        query, params = (_PRODUCTS_SINCE, {**params, "since": changed_since})
    return fetch_all(conn, query, params) if conn is not None else db.session.execute(query, params).all()


def list_stock(
    business: str, changed_since: dt.datetime | None = None, conn: sa.Connection | None = None
) -> list[sa.Row]:
    """Stock-tracked products of one business (deactivated ones included, so phones drop them)."""
    return [p for p in list_products(business, changed_since, conn) if p.track_stock]


def list_low_stock(business: str) -> list[Product]:
    """Active tracked products at or below their reorder level, emptiest first."""
    query = (
        sa.select(Product)
        .where(
            Product.business == business,
            Product.active,
            Product.track_stock,
            Product.stock_level <= Product.reorder_level,
        )
        .order_by(Product.stock_level - Product.reorder_level, Product.name)
    )
    return list(db.session.scalars(query))


def get_product(product_id: int, actor: Principal) -> Product:
    """A product the actor may see: 404 if absent, 403 if it belongs to another business."""
    product = db.session.get(Product, product_id) if _valid_id(product_id) else None
    if product is None:
        raise NotFound(f"No product {product_id}.")
    check_business(actor, product.business)
    return product


def lock_product(product_id: int, actor: Principal) -> Product:
    """The product row, locked until commit, after the same checks as get_product."""
    claim_xid()
    query = sa.select(Product).where(Product.id == product_id).with_for_update()
    product = db.session.scalar(query) if _valid_id(product_id) else None
    if product is None:
        raise NotFound(f"No product {product_id}.")
    check_business(actor, product.business)
    return product


def create_product(business: str, data: dict[str, Any], actor: Principal) -> Product:
    """Add a product (owner only) with its first price in the history."""
    _require_owner(actor)
    claim_xid()
    product = Product(business=business, **data)
    db.session.add(product)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            f"{business} already has a product with SKU {data['sku']!r}.",
            {"sku": ["Already used in this business."]},
        ) from exc
    db.session.add(PriceHistory(product_id=product.id, price=product.price, changed_by=actor.user_id))
    record_audit(actor, "product_added", product, None, {"name": product.name, "price": product.price})
    db.session.commit()
    changed(business)
    return product


def record_audit(
    actor: Principal, action: str, product: Product, before: dict | None, after: dict | None
) -> None:
    subject = f"product:{product.id}:{product.name}"[:120]
    audit.record(db.session, audit_log, actor, action, subject, before, after, product.business)


def history(before_id: int | None, limit: int) -> list[Any]:
    """The owner's changes to products, prices and stock, newest first."""
    return audit.entries(db.session, audit_log, before_id, limit)


def update_product(product_id: int, changes: dict[str, Any], actor: Principal) -> Product:
    """Edit name, unit, reorder level or active flag (owner only); prices go through change_price."""
    _require_owner(actor)
    product = lock_product(product_id, actor)
    before = {field: getattr(product, field) for field in EDITABLE}
    for field in EDITABLE:
        if field in changes:
            setattr(product, field, changes[field])
    after = {field: getattr(product, field) for field in EDITABLE}
    if after != before:
        record_audit(actor, "product_changed", product, before, after)
    db.session.commit()
    changed(product.business)
    return product


def change_price(product_id: int, price: Decimal, actor: Principal) -> Product:
    """Set a new price (owner only), keeping the old one in the history; same price is a no-op."""
    _require_owner(actor)
    product = lock_product(product_id, actor)
    if product.price != price:
        record_audit(actor, "price_changed", product, {"price": product.price}, {"price": price})
        product.price = price
        db.session.add(PriceHistory(product_id=product.id, price=price, changed_by=actor.user_id))
    db.session.commit()
    changed(product.business)
    return product


def price_history(product_id: int, actor: Principal) -> list[PriceHistory]:
    """Every price the product has had, newest first."""
    get_product(product_id, actor)
    return _history(PriceHistory, product_id)


def change_cost(product_id: int, cost: Decimal, actor: Principal) -> list[CostHistory]:
    """Set what a unit costs the business (owner only), keeping the history; same cost is a no-op.

    Payments copies the cost in force onto every sale line it records, so a later change
    never rewrites the profit of past sales.
    """
    _require_owner(actor)
    product = lock_product(product_id, actor)
    if product.cost != cost:
        record_audit(actor, "cost_changed", product, {"cost": product.cost}, {"cost": cost})
        product.cost = cost
        db.session.add(CostHistory(product_id=product.id, cost=cost, changed_by=actor.user_id))
    db.session.commit()
    changed(product.business)
    return cost_history(product_id, actor)


def list_product_costs(business: str, actor: Principal) -> list[sa.Row]:
    """Every product of a business with its cost (owner only: staff do not see margins)."""
    _require_owner(actor)
    return list_products(business)


def cost_history(product_id: int, actor: Principal) -> list[CostHistory]:
    """Every cost price the product has had, newest first (owner only: staff do not see margins)."""
    _require_owner(actor)
    get_product(product_id, actor)
    return _history(CostHistory, product_id)


def _history(model: type[PriceHistory] | type[CostHistory], product_id: int) -> list[Any]:
    query = sa.select(model).where(model.product_id == product_id)
    return list(db.session.scalars(query.order_by(model.valid_from.desc(), model.id.desc())))


def _require_owner(actor: Principal) -> None:
    if not actor.is_owner:
        raise Forbidden("Only the owner may change products and prices.")
