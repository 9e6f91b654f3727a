"""Shifts: a float in, sales and pay-outs during, a cash count out. No Flask request here.

Expected cash = float + cash sales + cash paid on debts − cash refunds − pay-outs from the till
(a sale on account brings no cash: it is listed apart). The figures are
always computed from the rows (sales and expenses carry their shift id), never stored as
totals: a sale that reaches the server after the close, from a phone's offline outbox, still
belongs to its shift and corrects it. The close keeps what was known then (`expected_at_close`,
`pending_at_close`) so the correction can be shown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common.auth import Principal
from common.errors import Conflict, Forbidden, InvalidInput, NotFound

from ..models import DebtPayment, Expense, Refund, Sale, Shift, db

ZERO = Decimal("0.00")
LIST_LIMIT = 200


def shift_for_sale(business: str, user_id: int | None, shift_id: int | None) -> int | None:
    """The shift a new sale counts in: the one named (the seller's own), else the seller's open one."""
    if user_id is None:
        return None
    if shift_id is None:
        return _open_shift_id(business, user_id)
    found = db.session.scalar(
        sa.select(Shift.id).where(
            Shift.id == shift_id, Shift.business == business, Shift.opened_by == user_id
        )
    )
    if found is None:
        raise InvalidInput("unknown shift", {"shift_id": [f"No shift {shift_id} of yours in {business}."]})
    return found


def _open_shift_id(business: str, user_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Shift.id).where(
            Shift.business == business, Shift.opened_by == user_id, Shift.closed_at.is_(None)
        )
    )


def open_shift(business: str, cash_float: Decimal, actor: Principal) -> dict[str, Any]:
    """Start the caller's shift at this business's till with the cash already in the drawer."""
    if _open_shift_id(business, actor.user_id) is not None:
        raise Conflict("You already have an open shift here; close it before opening another.")
    shift = Shift(business=business, opened_by=actor.user_id, opened_by_name=actor.username, float=cash_float)
    db.session.add(shift)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a second phone of the same person opened one meanwhile
        db.session.rollback()
        raise Conflict("You already have an open shift here; close it before opening another.") from exc
    return report(shift)


def close_shift(
    shift_id: int, counted: Decimal, pending_sales: int, note: str | None, actor: Principal
) -> dict[str, Any]:
    """Count the drawer and close the shift once; a second close is a 409 and changes nothing."""
    shift = db.session.scalar(sa.select(Shift).where(Shift.id == shift_id).with_for_update())
    _check_access(shift, shift_id, actor)
    if shift.closed_at is not None:
        raise Conflict(f"Shift {shift_id} was already closed at {shift.closed_at.isoformat()}.")
    figures = _figures([shift.id])[shift.id]
    shift.counted = counted
    shift.expected_at_close = _expected(shift, figures)
    shift.pending_at_close = pending_sales
    shift.note = note or None
    shift.closed_by = actor.user_id
    shift.closed_at = sa.func.now()
    db.session.commit()
    return report(shift)


def get_shift(shift_id: int, actor: Principal) -> dict[str, Any]:
    """One shift with its figures (Z report): its opener or the owner."""
    shift = db.session.get(Shift, shift_id)
    _check_access(shift, shift_id, actor)
    return report(shift)


def current_shift(business: str, actor: Principal) -> dict[str, Any] | None:
    """The caller's open shift at this business, if any."""
    shift_id = _open_shift_id(business, actor.user_id)
    return None if shift_id is None else report(db.session.get(Shift, shift_id))


def list_shifts(
    businesses: tuple[str, ...],
    actor: Principal,
    first: dt.datetime,
    end: dt.datetime,
    user_id: int | None = None,
) -> list[dict[str, Any]]:
    """Shifts opened in [first, end), newest first: the owner sees everyone's, staff their own."""
    if not actor.is_owner:
        user_id = actor.user_id
    query = sa.select(Shift).where(
        Shift.business.in_(businesses), Shift.opened_at >= first, Shift.opened_at < end
    )
    if user_id is not None:
        query = query.where(Shift.opened_by == user_id)
    shifts = list(
        db.session.scalars(query.order_by(Shift.opened_at.desc(), Shift.id.desc()).limit(LIST_LIMIT))
    )
    figures = _figures([s.id for s in shifts])
    return [report(s, figures[s.id]) for s in shifts]


def report(shift: Shift, figures: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Z report: the shift, its figures from the rows now, and any correction since the close."""
    figures = figures or _figures([shift.id])[shift.id]
    expected = _expected(shift, figures)
    closed = shift.closed_at is not None
    return {
        "id": shift.id,
        "business": shift.business,
        "opened_by": shift.opened_by,
        "opened_by_name": shift.opened_by_name,
        "opened_at": shift.opened_at,
        "closed_at": shift.closed_at,
        "float": shift.float,
        **figures,
        "expected": expected,
        "counted": shift.counted,
        "difference": shift.counted - expected if closed else None,
        "expected_at_close": shift.expected_at_close,
        "difference_at_close": shift.counted - shift.expected_at_close if closed else None,
        # Sales that reached the server after the close changed what the drawer should hold.
        "correction": expected - shift.expected_at_close if closed else None,
        "pending_at_close": shift.pending_at_close,
        "note": shift.note,
    }


def _expected(shift: Shift, figures: dict[str, Any]) -> Decimal:
    return (
        shift.float
        + figures["cash_sales"]
        + figures["debt_cash"]
        - figures["cash_refunds"]
        - figures["payouts"]
    )


def _figures(shift_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per shift: paid cash, M-Pesa and on-account sales (a voided sale is no longer paid), cash paid on
    debts, cash refunds, pay-outs."""
    figures = {
        sid: {
            "cash_sales": ZERO,
            "cash_sales_count": 0,
            "mpesa_sales": ZERO,
            "mpesa_sales_count": 0,
            "cash_refunds": ZERO,
            "cash_refunds_count": 0,
            "payouts": ZERO,
            "payouts_count": 0,
            "account_sales": ZERO,
            "account_sales_count": 0,
            "debt_cash": ZERO,
            "debt_cash_count": 0,
            "late_sales_count": 0,
        }
        for sid in shift_ids
    }
    if not shift_ids:
        return figures
    paid = Sale.status == "paid"
    sales = db.session.execute(
        sa.select(
            Sale.shift_id,
            sa.func.coalesce(sa.func.sum(Sale.total).filter(paid, Sale.method == "cash"), 0).label("cash"),
            sa.func.count().filter(paid, Sale.method == "cash").label("cash_n"),
            sa.func.coalesce(sa.func.sum(Sale.total).filter(paid, Sale.method == "mpesa"), 0).label("mpesa"),
            sa.func.count().filter(paid, Sale.method == "mpesa").label("mpesa_n"),
            sa.func.coalesce(sa.func.sum(Sale.total).filter(paid, Sale.method == "account"), 0).label(
                "account"
            ),
            sa.func.count().filter(paid, Sale.method == "account").label("account_n"),
            sa.func.count()
            .filter(Shift.closed_at.is_not(None), Sale.created_at > Shift.closed_at)
            .label("late"),
        )
        .join(Shift, Shift.id == Sale.shift_id)
        .where(Sale.shift_id.in_(shift_ids))
        .group_by(Sale.shift_id)
    )
    for row in sales:
        figures[row.shift_id].update(
            cash_sales=Decimal(row.cash),
            cash_sales_count=row.cash_n,
            mpesa_sales=Decimal(row.mpesa),
            mpesa_sales_count=row.mpesa_n,
            account_sales=Decimal(row.account),
            account_sales_count=row.account_n,
            late_sales_count=row.late,
        )
    payouts = db.session.execute(
        sa.select(Expense.shift_id, sa.func.sum(Expense.amount).label("amount"), sa.func.count().label("n"))
        .where(Expense.shift_id.in_(shift_ids), Expense.paid_from == "till")
        .group_by(Expense.shift_id)
    )
    for row in payouts:
        figures[row.shift_id].update(payouts=Decimal(row.amount), payouts_count=row.n)
    debts = db.session.execute(
        sa.select(
            DebtPayment.shift_id, sa.func.sum(DebtPayment.amount).label("amount"), sa.func.count().label("n")
        )
        .where(DebtPayment.shift_id.in_(shift_ids), DebtPayment.method == "cash")
        .group_by(DebtPayment.shift_id)
    )
    for row in debts:
        figures[row.shift_id].update(debt_cash=Decimal(row.amount), debt_cash_count=row.n)
    for row in _cash_refunds(shift_ids):
        figures[row.id].update(cash_refunds=Decimal(row.amount), cash_refunds_count=row.n)
    return figures


def _cash_refunds(shift_ids: list[int]) -> sa.Result:
    """Cash handed back from the till by the shift's person at its business while the shift was open.

    A refund is made online, at the counter, so the moment it was paid places it in a shift.
    """
    during = sa.and_(
        Refund.business == Shift.business,
        Refund.created_by == Shift.opened_by,
        Refund.channel == "cash",
        Refund.status == "paid",
        Refund.paid_at >= Shift.opened_at,
        sa.or_(Shift.closed_at.is_(None), Refund.paid_at < Shift.closed_at),
    )
    return db.session.execute(
        sa.select(Shift.id, sa.func.sum(Refund.amount).label("amount"), sa.func.count().label("n"))
        .join(Refund, during)
        .where(Shift.id.in_(shift_ids))
        .group_by(Shift.id)
    )


def _check_access(shift: Shift | None, shift_id: int, actor: Principal) -> None:
    if shift is None or shift.business not in actor.businesses:
        raise NotFound(f"No shift {shift_id}.")
    if not actor.is_owner and shift.opened_by != actor.user_id:
        raise Forbidden("Only the person who opened this shift, or the owner, may see or close it.")
