"""What the owner must look at, in one list: M-Pesa payments under review, till/paybill payments
no sale claimed, pushes still waiting past the PWA's "check later" (60 s), and M-Pesa refunds
that never got an answer.

Each item is a kind and its payment; the PWA words what happened and what to do per kind
(sales the server refused while offline live on the phone and join the list there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from common.db import utcnow

from ..models import MpesaPayment, db
from .c2b import unmatched
from .refund_review import refunds_to_check
from .review import review_list

# The PWA says "check later" once a push has had no answer for this long.
CHECK_LATER = dt.timedelta(seconds=60)


def waiting_pushes(businesses: tuple[str, ...], now: dt.datetime | None = None) -> list[MpesaPayment]:
    """STK pushes still pending past "check later" (the sweep queries them; the owner may ask the customer)."""
    query = (
        sa.select(MpesaPayment)
        .where(
            MpesaPayment.business.in_(businesses),
            MpesaPayment.kind == "stk",
            MpesaPayment.status == "pending",
            MpesaPayment.created_at < (now or utcnow()) - CHECK_LATER,
        )
        .order_by(MpesaPayment.created_at)
    )
    return list(db.session.scalars(query))


def to_check(businesses: tuple[str, ...], now: dt.datetime | None = None) -> dict[str, Any]:
    """Every item, oldest first within its kind, and how many."""
    items = [
        *({"kind": "review", "payment": p} for p in review_list(businesses)),
        *({"kind": "unmatched", "payment": p} for p in unmatched(businesses)),
        *({"kind": "waiting", "payment": p} for p in waiting_pushes(businesses, now)),
        *({"kind": "refund", "payment": None, "refund": r} for r in refunds_to_check(businesses)),
    ]
    return {"items": items, "count": len(items)}
