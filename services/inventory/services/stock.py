"""The stock ledger: manual movements, the movements other services' events ask for, and the
repair that sets a drifted level back to its ledger sum. Writes follow the transaction rules
described in products.py."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from common.auth import Principal
from common.errors import Conflict, Forbidden, InvalidInput, NotFound

from ..models import Product, StockMovement, db
from .products import changed, claim_xid, lock_product, record_audit

log = logging.getLogger("tomtin.inventory")
MANUAL_KINDS = ("receive", "adjust", "return", "write_off")
OWNER_KINDS = ("adjust", "write_off")
# Kinds that may not take stock below zero; sales may (the goods already left the shop).
GUARDED_KINDS = ("adjust", "write_off")
LEVEL_LIMIT = Decimal("999999999.999")  # numeric(12,3)


@dataclass(frozen=True)
class SaleLine:
    """One line of a paid sale, as payments' event carries it."""

    sale_line_id: int
    product_id: int
    quantity: Decimal


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
    product = lock_product(product_id, actor)
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
        record_audit(actor, f"stock_{kind}", product, {"stock_level": product.stock_level}, after)
    product.stock_level = product.stock_level + delta
    db.session.commit()
    changed(business)
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
    return apply_sales([(business, sale_id, list(lines))])


def apply_sales(sales: list[tuple[str, int, list[SaleLine]]]) -> int:
    """apply_sale for several sales, as (business, sale id, lines), in one transaction (all or none)."""
    return apply_many(
        [
            (
                business,
                f"Sale {sale_id}",
                [
                    Move(line.product_id, "sale", -line.quantity, ("sale_line", line.sale_line_id))
                    for line in lines
                ],
            )
            for business, sale_id, lines in sales
        ]
    )


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
    return apply_many([(business, what, list(moves))])


def apply_many(asked: list[tuple[str, str, list[Move]]]) -> int:
    """Apply the movements of several events, as (business, what, moves), in one transaction:
    all or none; returns how many moved.

    Each movement happens once (the unique source key, as in apply_moves). One INSERT for every
    movement, then one UPDATE per product by the sum that was really inserted: per event, that
    was two statements, a SELECT and a commit per movement. Inserts go in (product, source) order
    and level updates in product order, so two workers applying overlapping batches wait for each
    other instead of deadlocking. A product not of its event's business raises and changes nothing.
    """
    claim_xid()
    ids = {move.product_id for _, _, moves in asked for move in moves}
    products = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
    for business, what, moves in asked:
        unknown = sorted(
            {m.product_id for m in moves if getattr(products.get(m.product_id), "business", None) != business}
        )
        if unknown:
            db.session.rollback()
            raise NotFound(f"{what}: no {business} product(s) {unknown}; nothing applied.")
    # (product, source id, place in its event): a consistent order for overlapping batches that
    # keeps an event's own order (a refund's return before its write-off).
    ordered = sorted(
        (
            (move.product_id, move.source[1], place, business, move)
            for business, _, moves in asked
            for place, move in enumerate(moves)
            if products[move.product_id].track_stock
        ),
        key=lambda entry: entry[:3],
    )
    rows = [
        {
            "product_id": move.product_id,
            "business": business,
            "kind": move.kind,
            "quantity": move.quantity,
            "source_type": move.source[0],
            "source_id": move.source[1],
        }
        for _, _, _, business, move in ordered
    ]
    if not rows:
        db.session.rollback()
        return 0
    inserted = db.session.execute(
        insert(StockMovement)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(StockMovement.product_id, StockMovement.quantity)
    ).all()
    deltas: dict[int, Decimal] = {}
    for product_id, quantity in inserted:
        deltas[product_id] = deltas.get(product_id, Decimal(0)) + quantity
    for product_id in sorted(deltas):
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id)
            .values(
                stock_level=Product.stock_level + deltas[product_id], updated_at=sa.text("clock_timestamp()")
            )
        )
    db.session.commit()
    for business in sorted({products[product_id].business for product_id in deltas}):
        changed(business)
    return len(inserted)


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
        claim_xid()
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
            changed(product.business)
            repaired += 1
        else:
            db.session.rollback()
    return repaired
