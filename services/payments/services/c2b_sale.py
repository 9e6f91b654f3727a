"""An unmatched till/paybill payment recorded as a sale of its own.

A customer paid the till without a sale (no reference, or one that fitted nothing). The owner says
what was sold and in which business: the lines are priced as any sale is, must come to the
payment's amount, and the payment pays the new sale at once (its stock moves, it is audited).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from common import audit
from common.auth import Principal
from common.businesses import open_for_sales
from common.cache import invalidate
from common.errors import Conflict, InvalidInput
from common.phone import InvalidPhone, normalise_phone

from ..models import Sale, audit_log, db
from .c2b import locked_unmatched, pay
from .sales import price_lines
from .settlement import changed


def record_as_sale(trans_id: str, business: str, lines: list[tuple[int, Decimal]], actor: Principal) -> Sale:
    """A new M-Pesa sale in `business`, paid by the unmatched confirmation `trans_id`."""
    payment = locked_unmatched(trans_id)
    if payment.business is not None and payment.business != business:
        raise Conflict(f"C2B payment {trans_id} came to the {payment.business} business, not {business}.")
    takes_orders = open_for_sales(db.session, business).takes_orders
    sale = Sale(
        # One sale per payment: the key is the payment's, and the payment is locked above.
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"tomtin:c2b:{trans_id}"),
        business=business,
        method="mpesa",
        status="pending",
        order_status="received" if takes_orders else None,
        customer_phone=_phone(payment.phone),
        created_by=actor.user_id,
    )
    price_lines(sale, lines)
    if sale.total != payment.amount:
        raise InvalidInput(
            f"The payment is KES {payment.amount} but these goods total KES {sale.total}.",
            {"lines": [f"The goods must total KES {payment.amount}."]},
        )
    db.session.add(sale)
    db.session.flush()
    pay(payment, sale, actor)
    audit.record(
        db.session,
        audit_log,
        actor,
        "payment_recorded_as_sale",
        f"payment:{trans_id}",
        {"status": "unmatched"},
        {"status": payment.status, "sale_id": sale.id, "total": str(sale.total)},
        business,
    )
    db.session.commit()
    invalidate("sales", business)
    changed(business)
    return sale


def _phone(raw: str | None) -> str | None:
    """Daraja may send the payer's number masked or hashed: keep it only when it is a phone."""
    try:
        return normalise_phone(raw) if raw else None
    except InvalidPhone:
        return None
