"""Customers: a normalised phone and a name, found by a few digits or letters. No Flask request here.

Customers are shared by all the owner's businesses (one person, one debt, one limit): any staff
member may find or add one; only the owner sets a credit limit.
"""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common import audit
from common.auth import Principal
from common.errors import Forbidden, InvalidInput, NotFound
from common.phone import InvalidPhone, normalise_phone

from ..models import Customer, audit_log, db

SEARCH_LIMIT = 20
LIST_LIMIT = 200
MIN_DIGITS = 3
_NUMBER = re.compile(r"^[cC]\s*(\d{1,18})$")
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[\s-]")


def phone_or_error(raw: str, field: str) -> str:
    """The normalised phone, or a 422 naming the field."""
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise InvalidInput(str(exc), {field: [str(exc)]}) from exc


def create(
    phone: str, name: str, actor: Principal, credit_limit: Decimal | None = None, language: str = "en"
) -> tuple[Customer, bool]:
    """A new customer, or the one this phone already belongs to (False: nothing created).

    Answering the existing customer makes "add" safe to repeat from a till that lost its answer.
    New customers owe nothing and get no credit (limit 0) unless the owner gives them a limit.
    """
    if credit_limit is not None and not actor.is_owner:
        raise Forbidden("Only the owner gives a customer credit.")
    normalised = phone_or_error(phone, "phone")
    existing = by_phone(normalised)
    if existing is not None:
        return existing, False
    customer = Customer(
        phone=normalised,
        name=name,
        credit_limit=credit_limit or Decimal("0"),
        language=language,
        created_by=actor.user_id,
    )
    db.session.add(customer)
    try:
        db.session.commit()
    except IntegrityError:  # another till added the same phone a moment ago
        db.session.rollback()
        return by_phone(normalised), False
    return customer, True


def by_phone(phone: str) -> Customer | None:
    return db.session.scalar(sa.select(Customer).where(Customer.phone == phone))


def get(customer_id: int) -> Customer:
    """One customer, or a 404 naming it."""
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"No customer {customer_id}.")
    return customer


def locked(customer_id: int, field: str = "customer_id") -> Customer:
    """The customer's row, locked for this transaction: credit decisions on one customer queue here."""
    customer = db.session.scalar(sa.select(Customer).where(Customer.id == customer_id).with_for_update())
    if customer is None:
        raise InvalidInput(f"No customer {customer_id}.", {field: [f"Unknown customer {customer_id}."]})
    return customer


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Customer]:
    """Customers whose phone starts or ends with the digits typed, whose number is C<id>, or whose
    name has words starting with every word typed; each way reads an index (0011)."""
    statement = search_statement(text)
    if statement is None:
        return []
    return list(db.session.scalars(statement.order_by(Customer.name, Customer.id).limit(limit)))


def search_statement(text: str) -> sa.Select | None:
    """The query behind `search`, or None when the text is too short to mean anyone."""
    text = text.strip()
    query = sa.select(Customer)
    number = _NUMBER.match(text)
    digits = _SEPARATORS.sub("", text).lstrip("+")
    if number:
        return query.where(Customer.id == int(number.group(1)))
    if digits.isdigit():
        return query.where(_phone_matches(digits)) if len(digits) >= MIN_DIGITS else None
    words = _WORD.findall(text.lower())
    if not words:
        return None
    tsquery = " & ".join(f"{word}:*" for word in words)
    return query.where(
        sa.func.to_tsvector("simple", Customer.name).bool_op("@@")(sa.func.to_tsquery("simple", tsquery))
    )


def _phone_matches(digits: str) -> sa.ColumnElement[bool]:
    # Digits only: nothing in them is a LIKE wildcard.
    ends = sa.func.reverse(Customer.phone).like(digits[::-1] + "%")
    for prefix in ("254", "0"):
        if digits.startswith(prefix):  # 0712… and 254712… are the start of a number
            start = "254" + digits[len(prefix) :]
            return sa.or_(Customer.phone.like(start + "%"), ends)
    return ends


def recent(limit: int = LIST_LIMIT) -> list[Customer]:
    """Every customer by name (the list screen), up to `limit`."""
    return list(db.session.scalars(sa.select(Customer).order_by(Customer.name, Customer.id).limit(limit)))


def update(customer_id: int, changes: dict) -> Customer:
    """Correct a customer's name or language (the phone is who they are: a new phone is a new customer)."""
    customer = get(customer_id)
    for field in ("name", "language"):
        if field in changes:
            setattr(customer, field, changes[field])
    db.session.commit()
    return customer


def set_limit(customer_id: int, limit: Decimal, actor: Principal) -> Customer:
    """The owner sets how much this customer may owe (0: no sales on account); audited."""
    customer = locked(customer_id)
    before = {"credit_limit": str(customer.credit_limit)}
    customer.credit_limit = limit
    after = {"credit_limit": str(limit)}
    audit.record(
        db.session, audit_log, actor, "credit_limit_set", f"customer:{customer_id}", before, after, None
    )
    db.session.commit()
    return customer
