"""What a laundry order carries beyond a sale: its ticket number, what was brought, when it is
promised ready. A sale in a business that takes orders gets them when it is recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from common.errors import InvalidInput

from ..models import DebtPayment, Sale, db

# One statement takes the next number and holds the counter's row lock until the order commits,
# so two tills never give the same ticket, and a rolled-back order gives its number back.
_NEXT = sa.text(
    "INSERT INTO payments.ticket_counters (business, last) VALUES (:business, 1) "
    "ON CONFLICT (business) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last"
)
# A promise already past by more than this is a typing mistake (the clock of a phone may lag).
PAST_GRACE = dt.timedelta(minutes=10)
LONGEST_PROMISE = dt.timedelta(days=60)


@dataclass(frozen=True)
class OrderDetails:
    items: str | None = None
    promised_at: dt.datetime | None = None
    # Cash paid when an order on account is brought in; the rest is paid (or owed) at collection.
    deposit: Decimal | None = None

    def canonical(self) -> dict[str, Any]:
        """For the idempotency hash: the same order again has the same details."""
        return {
            "items": self.items,
            "promised_at": self.promised_at and self.promised_at.isoformat(),
            "deposit": self.deposit and f"{self.deposit:.2f}",
        }


def next_ticket(business: str) -> int:
    """The business's next ticket number (1, 2, 3 …): short enough to say and write on a tag."""
    return db.session.execute(_NEXT, {"business": business}).scalar_one()


def give_ticket(sale: Sale, details: OrderDetails | None, now: dt.datetime) -> None:
    """Number a new order and keep its details; refuse details for a business that takes no orders."""
    if sale.order_status is None:
        if details is not None:
            raise InvalidInput(
                f"The {sale.business} business takes no orders; send the sale without `order`.",
                {"order": ["Only a laundry takes orders."]},
            )
        return
    if details is not None and details.promised_at is not None:
        if details.promised_at < now - PAST_GRACE:
            raise InvalidInput(
                "The ready time has already passed; promise a later time.",
                {"order": {"promised_at": ["Must be later than now."]}},
            )
        if details.promised_at > now + LONGEST_PROMISE:
            raise InvalidInput(
                "Promise a ready time within 60 days.", {"order": {"promised_at": ["At most 60 days ahead."]}}
            )
    sale.ticket = next_ticket(sale.business)
    if details is not None:
        sale.items, sale.promised_at = details.items, details.promised_at


def take_deposit(sale: Sale, amount: Decimal, user_id: int | None) -> None:
    """Cash paid on an order to be paid at collection: a payment on the customer's account (it
    joins the order's shift, so the drawer expects it). Until the order is collected it is the
    customer's credit; at collection the order becomes their debt, less this."""
    if sale.method != "account" or sale.order_status is None:
        raise InvalidInput(
            "A deposit is for a laundry order paid at collection (method account).",
            {"order": {"deposit": ["Only for an order paid at collection."]}},
        )
    if amount <= 0:
        raise InvalidInput("A deposit is more than nothing.", {"order": {"deposit": ["Above 0."]}})
    if amount >= sale.total:
        raise InvalidInput(
            f"The deposit must be less than the order's KES {sale.total}; take it all as a cash sale.",
            {"order": {"deposit": [f"Less than {sale.total}."]}},
        )
    db.session.add(
        DebtPayment(
            customer_id=sale.customer_id,
            business=sale.business,
            method="cash",
            amount=amount,
            shift_id=sale.shift_id,
            created_by=user_id,
        )
    )
