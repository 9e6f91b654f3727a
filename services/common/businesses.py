"""The businesses, as accounts publishes them (`accounts.v_businesses`): nothing in code lists them.

A business has a code (its id in URLs, tokens and every service's rows, fixed at creation), a
name the owner may change, a kind that decides its screens and rules, and an archived flag:
an archived business takes no new sales but keeps its history in reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import Conflict, NotFound

KINDS = ("water", "laundry", "shop")
# What a code can look like (accounts makes them so); anything else is no business, unasked.
CODE = re.compile(r"[a-z][a-z0-9-]{0,15}")
# Laundry sales are orders with a job status (received -> ... -> collected).
ORDER_KINDS = ("laundry",)

_ONE = sa.text("SELECT code, name, kind, archived FROM accounts.v_businesses WHERE code = :code")
_ALL = sa.text("SELECT code, name, kind, archived FROM accounts.v_businesses ORDER BY code")


@dataclass(frozen=True)
class Business:
    code: str
    name: str
    kind: str
    archived: bool

    @property
    def takes_orders(self) -> bool:
        return self.kind in ORDER_KINDS


def published(session: Session) -> list[Business]:
    """Every business, archived ones included (their history stays in reports)."""
    return [Business(*row) for row in session.execute(_ALL)]


def find(session: Session, code: str) -> Business:
    """One business by code, or NotFound."""
    row = session.execute(_ONE, {"code": code}).first() if CODE.fullmatch(code) else None
    if row is None:
        raise NotFound(f"Unknown business {code!r}.")
    return Business(*row)


def open_for_sales(session: Session, code: str) -> Business:
    """A business that may take a new sale: it exists and is not archived."""
    business = find(session, code)
    if business.archived:
        raise Conflict(f"The {business.name} business is archived; it takes no new sales.")
    return business
