"""Refunds sent through M-Pesa that never got an answer (needs_review): the owner says what happened.

The owner looks in M-Pesa (the statement, or the customer's phone): the money went back ("paid":
the refund counts, its goods come back once) or it did not ("failed": its amount is free to refund
again). Either way the decision is audited with the owner's note.
"""

from __future__ import annotations

import sqlalchemy as sa

from common import audit
from common.auth import Principal
from common.errors import Conflict, NotFound

from ..models import Refund, audit_log, db, touch_sale
from .daraja_refunds import settle
from .settlement import changed


def refunds_to_check(businesses: tuple[str, ...]) -> list[Refund]:
    """M-Pesa refunds with no answer after every status query, oldest first."""
    query = (
        sa.select(Refund)
        .where(Refund.business.in_(businesses), Refund.status == "needs_review")
        .order_by(Refund.created_at, Refund.id)
    )
    return list(db.session.scalars(query))


def resolve_refund(refund_id: int, action: str, note: str, receipt: str | None, actor: Principal) -> Refund:
    """The owner's decision on a refund under review: paid back, or not paid back (audited)."""
    refund = db.session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update())
    if refund is None or refund.business not in actor.businesses:
        raise NotFound(f"No refund {refund_id}.")
    if refund.status != "needs_review":
        raise Conflict(f"Refund {refund_id} is {refund.status} and not waiting for a decision.")
    before = {"status": refund.status, "receipt": refund.receipt}
    if action == "paid":
        settle(refund, "paid", None, receipt, f"paid back, says the owner: {note}")
    else:
        settle(refund, "failed", None, None, f"not paid back, says the owner: {note}")
    after = {"status": refund.status, "receipt": refund.receipt, "note": note}
    business = refund.business
    audit.record(
        db.session, audit_log, actor, "refund_resolved", f"refund:{refund.id}", before, after, business
    )
    touch_sale(refund.sale_id)
    db.session.commit()
    changed(business)
    return refund
