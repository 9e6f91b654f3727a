"""The businesses tests work in: today's three, as accounts' migration creates them."""

from __future__ import annotations

import sqlalchemy as sa

BUSINESSES = ("water", "laundry", "retail")
_ROWS = (
    ("water", "Water Refills", "water"),
    ("laundry", "Laundry", "laundry"),
    ("retail", "Retail Shop", "shop"),
)


def seed(conn: sa.Connection) -> None:
    """Put the three businesses back (after a wipe)."""
    conn.execute(
        sa.text("INSERT INTO accounts.businesses (code, name, kind) VALUES (:code, :name, :kind)"),
        [{"code": c, "name": n, "kind": k} for c, n, k in _ROWS],
    )
