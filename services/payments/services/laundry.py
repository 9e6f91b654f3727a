"""Laundry orders: moving one along its statuses, cancelling it with a reason, and finding one by
ticket or status (collected ones too). No Flask request here."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from common import audit
from common.auth import Principal
from common.cache import invalidate
from common.errors import Conflict, Forbidden, InvalidInput, NotFound

from ..models import ORDER_STATUSES, Customer, Sale, audit_log, db
from . import messages, outbox
from .sales import get_sale, mark_sale_paid, with_details

FOUND_LIMIT = 50


def advance_order(sale_id: int, status: str, actor: Principal, reason: str | None = None) -> Sale:
    """Move a laundry order forward (any number of steps); only the owner may cancel it, with a
    reason, and the cancellation is audited."""
    businesses = actor.businesses
    sale = db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())
    if sale is None or sale.business not in businesses:
        raise NotFound(f"No sale {sale_id}.")
    if sale.order_status is None:
        raise InvalidInput(f"Sale {sale_id} is not an order; only laundry sales have a status.")
    current = sale.order_status
    if status == current:
        db.session.rollback()
        return get_sale(sale_id, businesses)
    if current in ("collected", "cancelled"):
        raise Conflict(f"The order is already {current}; it cannot change any more.")
    if status == "cancelled":
        _cancel(sale, actor, reason)
    elif ORDER_STATUSES.index(status) < ORDER_STATUSES.index(current):
        raise Conflict(f"The order is already {current}; a status can only move forward.")
    elif status == "collected" and sale.method == "account" and sale.status == "pending":
        # Collected without paying in full: the order is complete and now the customer's debt
        # (less any deposit, already on their account).
        mark_sale_paid(sale, dt.datetime.now(dt.UTC))
    message = _tell_ready(sale, actor) if status == "ready" else False
    sale.order_status = status
    outbox.sale_changed(sale)
    db.session.commit()
    invalidate("sales", sale.business)
    outbox.kick()
    if message:
        messages.kick()
    return get_sale(sale_id, businesses)


def _tell_ready(sale: Sale, actor: Principal) -> bool:
    """Queue "your laundry is ready" to the customer, once per order (an opted-out number gets none)."""
    customer = db.session.get(Customer, sale.customer_id) if sale.customer_id else None
    phone = sale.customer_phone or (customer.phone if customer else None)
    if not phone:
        return False
    messages.queue_message(
        sale.business,
        phone,
        "laundry_ready",
        {"ticket": sale.ticket or sale.reference},
        language=customer.language if customer else "sw",
        customer_id=sale.customer_id,
        key=f"laundry-ready-{sale.id}",
        created_by=actor.user_id,
    )
    return True


def _cancel(sale: Sale, actor: Principal, reason: str | None) -> None:
    if not actor.is_owner:
        raise Forbidden("Only the owner may cancel an order.")
    if not reason:
        raise InvalidInput("Say why the order is cancelled.", {"reason": ["Needed to cancel an order."]})
    before = {"order_status": sale.order_status, "ticket": sale.ticket}
    after = {"order_status": "cancelled", "ticket": sale.ticket, "reason": reason}
    audit.record(
        db.session, audit_log, actor, "order_cancelled", f"sale:{sale.id}", before, after, sale.business
    )
    sale.cancel_reason = reason
    if sale.method == "account" and sale.status == "pending":
        sale.status = "cancelled"  # never becomes a debt (a deposit stays on the customer's account)


def find_orders(business: str, ticket: int | None = None, status: str | None = None) -> list[Sale]:
    """A business's orders, newest first: by ticket number, by status (collected ones stay findable)."""
    query = sa.select(Sale).where(Sale.business == business, Sale.ticket.is_not(None))
    if ticket is not None:
        query = query.where(Sale.ticket == ticket)
    if status is not None:
        query = query.where(Sale.order_status == status)
    query = query.order_by(Sale.ticket.desc()).limit(FOUND_LIMIT).options(*with_details())
    return list(db.session.scalars(query))
