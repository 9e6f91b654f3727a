"""Voiding a sale recorded by mistake, and the owner's void window. No Flask request here.

A voided sale stays visible with status 'voided' (its reason, who and when): it leaves revenue
on its own day, and its stock comes back once through the SaleVoided event. A voided sale on
account is no longer owed (credit.balances counts only paid ones). Two devices voiding
at once queue on the sale's row lock; the second sees it voided and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from common.auth import Principal
from common.cache import invalidate
from common.db import utcnow
from common.errors import Conflict, Forbidden, NotFound

from ..models import Sale, VoidWindow, db
from . import credit, customers, outbox
from .sales import get_sale

DEFAULT_WINDOW_MINUTES = 10


def void_window(business: str) -> int:
    """Minutes after a sale during which the staff member who made it may void it."""
    minutes = db.session.scalar(sa.select(VoidWindow.minutes).where(VoidWindow.business == business))
    return DEFAULT_WINDOW_MINUTES if minutes is None else minutes


def set_void_window(business: str, minutes: int, user_id: int | None) -> int:
    """The owner sets the window (0: only the owner may void)."""
    db.session.merge(VoidWindow(business=business, minutes=minutes, updated_by=user_id))
    db.session.commit()
    return minutes


def void_sale(sale_id: int, reason: str, actor: Principal, now: dt.datetime | None = None) -> Sale:
    """Void a sale once; voiding a voided sale again answers it as it is."""
    sale = db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())
    if sale is None or sale.business not in actor.businesses:
        raise NotFound(f"No sale {sale_id}.")
    if sale.status == "voided":
        db.session.rollback()
        return get_sale(sale_id, actor.businesses)
    _check_allowed(sale, actor, now or utcnow())
    if sale.method == "account" and sale.status == "paid":  # owed: an order not collected is not yet
        _check_debt_left(sale)
    stock_moved = sale.status == "paid"
    sale.status = "voided"
    sale.voided_at = utcnow()
    sale.voided_by = actor.user_id
    sale.void_reason = reason
    outbox.sale_voided(sale, stock_moved)
    db.session.commit()
    invalidate("sales", sale.business)
    outbox.kick()
    return get_sale(sale_id, actor.businesses)


def _check_debt_left(sale: Sale) -> None:
    """Voiding a sale on account takes it off the customer's debt: never below what they paid."""
    customer = customers.locked(sale.customer_id)
    if credit.balance(customer.id) < sale.total:
        raise Conflict(
            f"{customer.name} has already paid part of what they owe: refund this sale in cash instead.",
            {"sale_id": ["Paid in part: refund it."]},
        )


def _check_allowed(sale: Sale, actor: Principal, now: dt.datetime) -> None:
    if not actor.is_owner:
        if sale.created_by != actor.user_id:
            raise Forbidden("Only the owner, or the person who made the sale, may void it.")
        minutes = void_window(sale.business)
        if now - sale.created_at > dt.timedelta(minutes=minutes):
            raise Forbidden(
                f"Sales can be voided by their seller for {minutes} minutes only; ask the owner to void it."
            )
    if sale.refunds:
        raise Conflict("This sale has refunds; it cannot be voided as well.")
    if sale.status == "paid" and sale.method == "mpesa":
        raise Conflict("The customer paid this sale by M-Pesa: refund it instead, so the money goes back.")
    if sale.status == "pending" and any(p.status == "pending" for p in sale.payments):
        raise Conflict("An M-Pesa prompt for this sale is still waiting for the customer; try again shortly.")
    if sale.status == "cancelled":
        raise Conflict("This order is cancelled; there is nothing to void.")
