"""Money out: expense categories (the owner's list) and expenses / till pay-outs. No Flask request.

Staff record what they paid out within their own businesses (they hold the till); only the
owner manages categories and lists expenses. An expense is recorded once per idempotency key,
so a phone retrying over flaky 4G never pays twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common.auth import Principal
from common.errors import Conflict, InvalidInput, NotFound
from common.timeutil import day_bounds

from ..models import Expense, ExpenseCategory, Shift, db

LIST_LIMIT = 500
NAME_CONSTRAINT = "uq_expense_categories_name"


def list_categories() -> list[ExpenseCategory]:
    """Every category, active ones first, by name (the phone hides archived ones when recording)."""
    query = sa.select(ExpenseCategory).order_by(
        ExpenseCategory.active.desc(), sa.func.lower(ExpenseCategory.name), ExpenseCategory.id
    )
    return list(db.session.scalars(query))


def create_category(name: str) -> ExpenseCategory:
    """Add a category (owner); the same name in any letter case is a 409."""
    category = ExpenseCategory(name=name)
    db.session.add(category)
    _commit_name(name)
    return category


def update_category(category_id: int, changes: dict[str, Any]) -> ExpenseCategory:
    """Rename or archive (active: false) a category; past expenses keep pointing at it."""
    category = db.session.get(ExpenseCategory, category_id)
    if category is None:
        raise NotFound(f"No expense category {category_id}.")
    for field in ("name", "active"):
        if field in changes:
            setattr(category, field, changes[field])
    _commit_name(category.name)
    return category


def _commit_name(name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if NAME_CONSTRAINT not in str(exc.orig):
            raise
        raise Conflict(f"There is already a category called {name!r}.", {"name": ["Already used."]}) from exc


def record_expense(
    business: str, idempotency_key: uuid.UUID, body: dict[str, Any], actor: Principal
) -> tuple[Expense, bool]:
    """Record an expense once per key; returns it and whether it is new.

    A pay-out from the till joins the caller's open shift at that business, lowering the
    cash the drawer should hold at the close.
    """
    existing = _by_key(idempotency_key)
    if existing is not None:
        return _same_or_refuse(existing, business, body), False
    category = db.session.get(ExpenseCategory, body["category_id"])
    if category is None or not category.active:
        raise InvalidInput(
            "unknown category", {"category_id": [f"No active expense category {body['category_id']}."]}
        )
    shift_id = db.session.scalar(
        sa.select(Shift.id).where(
            Shift.business == business, Shift.opened_by == actor.user_id, Shift.closed_at.is_(None)
        )
    )
    expense = Expense(
        idempotency_key=idempotency_key,
        business=business,
        category_id=category.id,
        amount=body["amount"],
        paid_from=body["paid_from"],
        note=body.get("note") or None,
        shift_id=shift_id,
        created_by=actor.user_id,
        created_by_name=actor.username,
    )
    db.session.add(expense)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _by_key(idempotency_key)  # the same key raced in from another request
        if existing is None:
            raise
        return _same_or_refuse(existing, business, body), False
    return expense, True


def _by_key(idempotency_key: uuid.UUID) -> Expense | None:
    return db.session.scalar(sa.select(Expense).where(Expense.idempotency_key == idempotency_key))


def _same_or_refuse(existing: Expense, business: str, body: dict[str, Any]) -> Expense:
    same = (
        existing.business == business
        and existing.category_id == body["category_id"]
        and existing.amount == body["amount"]
        and existing.paid_from == body["paid_from"]
    )
    if not same:
        raise InvalidInput(
            "This idempotency key was already used for another expense; send a new key.",
            {"Idempotency-Key": ["idempotency key reused with a different body"]},
        )
    return existing


def list_expenses(
    businesses: tuple[str, ...],
    start: dt.datetime,
    end: dt.datetime,
    category_id: int | None = None,
    paid_from: str | None = None,
) -> dict[str, Any]:
    """Expenses in [start, end), newest first, with their total (owner)."""
    where = [Expense.business.in_(businesses), Expense.created_at >= start, Expense.created_at < end]
    if category_id is not None:
        where.append(Expense.category_id == category_id)
    if paid_from is not None:
        where.append(Expense.paid_from == paid_from)
    items = list(
        db.session.scalars(
            sa.select(Expense)
            .where(*where)
            .order_by(Expense.created_at.desc(), Expense.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(*where))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Expense).where(*where))
    return {"items": items, "total": Decimal(total), "count": count}


MAX_PERIOD_DAYS = 400


def period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC bounds of Nairobi days [first, last]: ordered and at most MAX_PERIOD_DAYS long."""
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("period too long", {"to": [f"At most {MAX_PERIOD_DAYS} days."]})
    return day_bounds(first)[0], day_bounds(last)[1]
