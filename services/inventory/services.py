"""inventory business rules: products, prices, the stock ledger. No Flask request here.

Every write runs in one transaction that (1) claims a transaction id first, (2) locks or
atomically updates the product row, and (3) stamps `updated_at` with the database clock.
That is what lets `watermark()` hand phones a delta cursor that never skips a row whose
transaction commits late (see the function).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from common import audit, delta
from common.auth import Principal, check_business
from common.cache import invalidate
from common.errors import Conflict, Forbidden, InvalidInput, NotFound
from common.ids import MAX_ID

from .models import CostHistory, PriceHistory, Product, StockMovement, audit_log, db

# Data sets cached per business; any change to a product or its stock bumps all of them.
log = logging.getLogger("tomtin.inventory")
DATASETS = ("products", "stock", "low_stock", "movements", "prices")
MANUAL_KINDS = ("receive", "adjust", "return", "write_off")
OWNER_KINDS = ("adjust", "write_off")
# Kinds that may not take stock below zero; sales may (the goods already left the shop).
GUARDED_KINDS = ("adjust", "write_off")
LEVEL_LIMIT = Decimal("999999999.999")  # numeric(12,3)
EDITABLE = ("name", "unit", "reorder_level", "active")


@dataclass(frozen=True)
class SaleLine:
    """One line of a paid sale, as payments' event carries it."""

    sale_line_id: int
    product_id: int
    quantity: Decimal


def watermark() -> dt.datetime:
    """A delta cursor that never skips a late-committing write (see common.delta); call it
    BEFORE the data query."""
    return delta.watermark(db.session)


def _claim_xid() -> None:
    """Give this transaction its id now, before anything stamps updated_at."""
    delta.claim_xid(db.session)


def _changed(business: str) -> None:
    """Bump the cache generation of everything a product or stock change affects."""
    for dataset in DATASETS:
        invalidate(dataset, business)


def _valid_id(product_id: int) -> bool:
    return 0 < product_id <= MAX_ID


def list_products(business: str, changed_since: dt.datetime | None = None) -> list[Product]:
    """Products of one business, active first then by name; with changed_since, only changed ones."""
    query = sa.select(Product).where(Product.business == business)
    if changed_since is not None:
        # >=, not >: a row stamped exactly at the cursor must come again; the phone dedupes by id.
        query = query.where(Product.updated_at >= changed_since)
    return list(db.session.scalars(query.order_by(Product.active.desc(), Product.name, Product.id)))


def list_stock(business: str, changed_since: dt.datetime | None = None) -> list[Product]:
    """Stock-tracked products of one business (deactivated ones included, so phones drop them)."""
    return [p for p in list_products(business, changed_since) if p.track_stock]


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


def _lock_product(product_id: int, actor: Principal) -> Product:
    """The product row, locked until commit, after the same checks as get_product."""
    _claim_xid()
    query = sa.select(Product).where(Product.id == product_id).with_for_update()
    product = db.session.scalar(query) if _valid_id(product_id) else None
    if product is None:
        raise NotFound(f"No product {product_id}.")
    check_business(actor, product.business)
    return product


def create_product(business: str, data: dict[str, Any], actor: Principal) -> Product:
    """Add a product (owner only) with its first price in the history."""
    _require_owner(actor)
    _claim_xid()
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
    _record(actor, "product_added", product, None, {"name": product.name, "price": product.price})
    db.session.commit()
    _changed(business)
    return product


def _record(actor: Principal, action: str, product: Product, before: dict | None, after: dict | None) -> None:
    subject = f"product:{product.id}:{product.name}"[:120]
    audit.record(db.session, audit_log, actor, action, subject, before, after, product.business)


def history(before_id: int | None, limit: int) -> list[Any]:
    """The owner's changes to products, prices and stock, newest first."""
    return audit.entries(db.session, audit_log, before_id, limit)


def update_product(product_id: int, changes: dict[str, Any], actor: Principal) -> Product:
    """Edit name, unit, reorder level or active flag (owner only); prices go through change_price."""
    _require_owner(actor)
    product = _lock_product(product_id, actor)
    before = {field: getattr(product, field) for field in EDITABLE}
    for field in EDITABLE:
        if field in changes:
            setattr(product, field, changes[field])
    after = {field: getattr(product, field) for field in EDITABLE}
    if after != before:
        _record(actor, "product_changed", product, before, after)
    db.session.commit()
    _changed(product.business)
    return product


def change_price(product_id: int, price: Decimal, actor: Principal) -> Product:
    """Set a new price (owner only), keeping the old one in the history; same price is a no-op."""
    _require_owner(actor)
    product = _lock_product(product_id, actor)
    if product.price != price:
        _record(actor, "price_changed", product, {"price": product.price}, {"price": price})
        product.price = price
        db.session.add(PriceHistory(product_id=product.id, price=price, changed_by=actor.user_id))
    db.session.commit()
    _changed(product.business)
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
    product = _lock_product(product_id, actor)
    if product.cost != cost:
        _record(actor, "cost_changed", product, {"cost": product.cost}, {"cost": cost})
        product.cost = cost
        db.session.add(CostHistory(product_id=product.id, cost=cost, changed_by=actor.user_id))
    db.session.commit()
    _changed(product.business)
    return cost_history(product_id, actor)


def list_product_costs(business: str, actor: Principal) -> list[Product]:
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


def record_movement(
    business: str,
    product_id: int,
    kind: str,
    quantity: Decimal,
    actor: Principal,
    reason: str | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> tuple[StockMovement, bool]:
    """Record a manual movement and move the level with it; returns (movement, created).

    receive/return add `quantity`; write_off removes it; adjust adds a signed quantity.
    A repeated idempotency_key returns the first movement instead of moving stock again.
    """
    _check_manual(kind, quantity, actor, reason)
    if idempotency_key is not None:
        earlier = _replayed(idempotency_key, business, product_id, kind, quantity)
        if earlier is not None:
            return earlier, False
    product = _lock_product(product_id, actor)
    if product.business != business:
        raise NotFound(
            f"Product {product_id} is not a {business} product.", {"product_id": ["Not in this business."]}
        )
    if not product.track_stock:
        raise Conflict(f"{product.name} is a service; its stock is not tracked.")
    if not product.active:
        raise Conflict(f"{product.name} is deactivated; reactivate it before moving its stock.")
    delta = -quantity if kind == "write_off" else quantity
    if kind in GUARDED_KINDS and product.stock_level + delta < 0:
        raise Conflict(
            f"Only {product.stock_level} {product.unit} of {product.name} in stock; "
            f"this {kind.replace('_', '-')} would take it below zero."
        )
    if abs(product.stock_level + delta) > LEVEL_LIMIT:
        raise Conflict(f"A stock level of {product.stock_level + delta} is more than this system can hold.")
    movement = _insert_movement(product, kind, delta, actor.user_id, reason=reason, key=idempotency_key)
    if movement is None:
        # A concurrent request with the same key won the race while we waited for the lock.
        db.session.rollback()
        return _replayed(idempotency_key, business, product_id, kind, quantity), False
    if kind in OWNER_KINDS:
        after = {"stock_level": product.stock_level + delta, "reason": reason}
        _record(actor, f"stock_{kind}", product, {"stock_level": product.stock_level}, after)
    product.stock_level = product.stock_level + delta
    db.session.commit()
    _changed(business)
    return movement, True


def _check_manual(kind: str, quantity: Decimal, actor: Principal, reason: str | None) -> None:
    if kind not in MANUAL_KINDS:
        raise InvalidInput(
            f"kind must be one of {', '.join(MANUAL_KINDS)}; sales move stock through payments.",
            {"kind": ["Not a manual movement kind."]},
        )
    if kind in OWNER_KINDS and not actor.is_owner:
        raise Forbidden(f"Only the owner may record a {kind.replace('_', '-')}.")
    if kind in OWNER_KINDS and not reason:
        raise InvalidInput(
            f"A {kind.replace('_', '-')} needs a reason.", {"reason": ["Required for this kind."]}
        )
    if quantity == 0 or (kind != "adjust" and quantity < 0):
        raise InvalidInput("quantity must be more than zero.", {"quantity": ["Must be more than zero."]})


def _replayed(
    key: uuid.UUID, business: str, product_id: int, kind: str, quantity: Decimal
) -> StockMovement | None:
    """The movement already recorded under this key, if it is the same request."""
    movement = db.session.scalar(sa.select(StockMovement).where(StockMovement.idempotency_key == key))
    if movement is None:
        return None
    signed = -quantity if kind == "write_off" else quantity
    if (movement.business, movement.product_id, movement.kind, movement.quantity) != (
        business,
        product_id,
        kind,
        signed,
    ):
        raise Conflict(
            "This idempotency_key was already used for a different movement.",
            {"idempotency_key": ["Already used for a different movement."]},
        )
    return movement


def _insert_movement(
    product: Product,
    kind: str,
    delta: Decimal,
    user_id: int | None,
    reason: str | None = None,
    source: tuple[str, int] | None = None,
    key: uuid.UUID | None = None,
) -> StockMovement | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new movement, or None if its source or key exists."""
    values = {
        "product_id": product.id,
        "business": product.business,
        "kind": kind,
        "quantity": delta,
        "reason": reason,
        "source_type": source[0] if source else None,
        "source_id": source[1] if source else None,
        "idempotency_key": key,
        "created_by": user_id,
    }
    statement = insert(StockMovement).values(**values).on_conflict_do_nothing().returning(StockMovement.id)
    movement_id = db.session.scalar(statement)
    return None if movement_id is None else db.session.get(StockMovement, movement_id)


@dataclass(frozen=True)
class Move:
    """One movement another service's event asks for, keyed by its source so it happens once."""

    product_id: int
    kind: str
    quantity: Decimal  # signed: negative leaves stock
    source: tuple[str, int]


def apply_sale(business: str, sale_id: int, lines: Iterable[SaleLine]) -> int:
    """Move stock for a paid sale, once per sale line however often it is applied; returns lines moved.

    Sales may take stock below zero: they already happened.
    """
    moves = [
        Move(line.product_id, "sale", -line.quantity, ("sale_line", line.sale_line_id)) for line in lines
    ]
    return apply_moves(business, f"Sale {sale_id}", moves)


def apply_void(business: str, sale_id: int, lines: Iterable[SaleLine]) -> int:
    """Put a voided sale's stock back, once per sale line; returns lines moved."""
    moves = [
        Move(line.product_id, "return", line.quantity, ("void_line", line.sale_line_id)) for line in lines
    ]
    return apply_moves(business, f"Voided sale {sale_id}", moves)


def apply_refund(business: str, refund_id: int, lines: Iterable[tuple[int, int, Decimal, bool]]) -> int:
    """Goods handed back on a refund come back into stock once per line; damaged ones are then
    written off (both movements stay in the ledger). Lines are (refund_line_id, product_id,
    quantity, damaged); returns movements made."""
    moves = []
    for line_id, product_id, quantity, damaged in lines:
        moves.append(Move(product_id, "return", quantity, ("refund_line", line_id)))
        if damaged:
            moves.append(Move(product_id, "write_off", -quantity, ("refund_damaged", line_id)))
    return apply_moves(business, f"Refund {refund_id}", moves)


def apply_moves(business: str, what: str, moves: Iterable[Move]) -> int:
    """Apply movements asked for by an event, each once however often it arrives; returns how many moved.

    The unique (source_type, source_id) key decides: a second worker's INSERT waits for the
    first one's commit and then does nothing, so it never touches the level. Untracked
    products (services) are skipped. A product not of `business` raises and changes nothing.
    """
    _claim_xid()
    wanted = sorted(moves, key=lambda move: move.product_id)  # one lock order; stable within a product
    ids = {move.product_id for move in wanted}
    products = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Product).where(Product.id.in_(ids), Product.business == business)
        )
    }
    unknown = sorted(ids - products.keys())
    if unknown:
        db.session.rollback()
        raise NotFound(f"{what}: no {business} product(s) {unknown}; nothing applied.")
    moved = 0
    for move in wanted:
        product = products[move.product_id]
        if not product.track_stock:
            continue
        if _insert_movement(product, move.kind, move.quantity, None, source=move.source) is None:
            continue
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product.id)
            .values(stock_level=Product.stock_level + move.quantity, updated_at=sa.text("clock_timestamp()"))
        )
        moved += 1
    db.session.commit()
    if moved:
        _changed(business)
    return moved


def list_movements(
    business: str, product_id: int | None = None, before_id: int | None = None, limit: int = 100
) -> list[StockMovement]:
    """The ledger of one business (or one of its products), newest first, paged by id."""
    query = sa.select(StockMovement).where(StockMovement.business == business)
    if product_id is not None:
        query = query.where(StockMovement.product_id == product_id)
    if before_id is not None:
        query = query.where(StockMovement.id < before_id)
    return list(db.session.scalars(query.order_by(StockMovement.id.desc()).limit(limit)))


def ledger_sum(product_id: int) -> Decimal:
    """The sum of a product's movements: always equal to its stock_level."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0)).where(
            StockMovement.product_id == product_id
        )
    )
    return Decimal(total)


def _require_owner(actor: Principal) -> None:
    if not actor.is_owner:
        raise Forbidden("Only the owner may change products and prices.")


def repair_stock_levels() -> int:
    """Set every tracked product's stock level that differs from its ledger sum back to the sum.

    The ledger is the truth; a level drifts only through a bug or a hand edit, so each repair is
    logged. Returns how many products were repaired.
    """
    ledger = (
        sa.select(sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0))
        .where(StockMovement.product_id == Product.id)
        .scalar_subquery()
    )
    drifted = db.session.scalars(
        sa.select(Product.id).where(Product.track_stock, Product.stock_level != ledger)
    ).all()
    db.session.rollback()
    repaired = 0
    for product_id in drifted:
        _claim_xid()
        product = db.session.scalar(sa.select(Product).where(Product.id == product_id).with_for_update())
        total = ledger_sum(product_id)  # read after the lock: a sale being applied has committed
        if product.stock_level != total:
            log.warning(
                "stock level repaired",
                extra={
                    "fields": {
                        "product_id": product_id,
                        "was": str(product.stock_level),
                        "ledger": str(total),
                    }
                },
            )
            product.stock_level = total  # updated_at follows (onupdate)
            db.session.commit()
            _changed(product.business)
            repaired += 1
        else:
            db.session.rollback()
    return repaired
