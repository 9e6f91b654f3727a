"""Source data for reporting tests, written with plain SQL into the tables behind the views.

Reporting reads only payments' and inventory's published views; tests fill the tables
behind them through a superuser connection, so they do not depend on those services'
code (products alone are made by the shared helper, so their stock always equals their ledger).
This is the one place to adapt when their tables change.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal

import sqlalchemy as sa

from support.env import admin_url
from support.products import product_with_stock

_engine: sa.Engine | None = None


def engine() -> sa.Engine:
    global _engine
    if _engine is None:
        _engine = sa.create_engine(admin_url(), isolation_level="AUTOCOMMIT", pool_size=1)
    return _engine


def _insert(sql: str, **params) -> int:
    with engine().connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def execute(sql: str, **params) -> None:
    with engine().connect() as conn:
        conn.execute(sa.text(sql), params)


def product(
    business: str,
    name: str,
    price: str = "100.00",
    track_stock: bool = True,
    stock_level: str = "0",
    reorder_level: str = "0",
    active: bool = True,
) -> int:
    """A product made by the shared helper: its opening stock is a `receive` movement of now."""
    return product_with_stock(
        business, name, price, stock_level, tracked=track_stock, reorder=reorder_level, active=active
    ).id


def sale(
    business: str,
    method: str,
    created_at: dt.datetime,
    lines: list[tuple[int, str, str, str]] = (),
    total: str | None = None,
    status: str = "paid",
    order_status: str | None = None,
) -> int:
    """A sale with lines (product_id, name, quantity, unit_price); total defaults to their sum."""
    amounts = [
        (pid, name, Decimal(q), Decimal(p), (Decimal(q) * Decimal(p)).quantize(Decimal("0.01")))
        for pid, name, q, p in lines
    ]
    sale_total = Decimal(total) if total is not None else sum((a[4] for a in amounts), Decimal("0.00"))
    sale_id = _insert(
        "INSERT INTO payments.sales (idempotency_key, business, method, status, total, order_status,"
        " created_at, updated_at, paid_at, receipt_token) VALUES (:key, :business, :method, :status, :total,"
        " :order_status, :at, :at, :paid_at, :receipt) RETURNING id",
        key=uuid.uuid4(),
        receipt=secrets.token_urlsafe(16),  # every sale has its receipt link (payments 0009)
        paid_at=created_at if status == "paid" else None,
        business=business,
        method=method,
        status=status,
        total=sale_total,
        order_status=order_status,
        at=created_at,
    )
    for pid, name, quantity, unit_price, line_total in amounts:
        _insert(
            "INSERT INTO payments.sale_lines (sale_id, product_id, name, quantity, unit_price, line_total)"
            " VALUES (:sale, :pid, :name, :q, :p, :t) RETURNING id",
            sale=sale_id,
            pid=pid,
            name=name,
            q=quantity,
            p=unit_price,
            t=line_total,
        )
    return sale_id


def update_sale(sale_id: int, **columns) -> None:
    """Change a sale as payments would, bumping updated_at."""
    sets = ", ".join(f"{name} = :{name}" for name in columns)
    execute(
        f"UPDATE payments.sales SET {sets}, updated_at = clock_timestamp() WHERE id = :id",
        id=sale_id,
        **columns,
    )


def mpesa_payment(
    business: str | None,
    amount: str,
    created_at: dt.datetime,
    status: str = "paid",
    kind: str = "stk",
    sale_id: int | None = None,
) -> int:
    return _insert(
        "INSERT INTO payments.mpesa_payments (sale_id, business, kind, status, amount, receipt, created_at,"
        " updated_at, paid_at) VALUES (:sale, :business, :kind, :status, :amount, :receipt, :at, :at,"
        " :paid_at) RETURNING id",
        paid_at=created_at if status == "paid" else None,
        sale=sale_id,
        business=business,
        kind=kind,
        status=status,
        amount=Decimal(amount),
        receipt=uuid.uuid4().hex[:10].upper() if status == "paid" else None,
        at=created_at,
    )


def movement(product_id: int, business: str, kind: str, quantity: str, created_at: dt.datetime) -> int:
    """A stock movement, with the product's level moved by it (the level always equals the ledger)."""
    return _insert(
        "WITH moved AS (INSERT INTO inventory.stock_movements"
        " (product_id, business, kind, quantity, reason, created_at)"
        " VALUES (:pid, :business, :kind, :q, 'test', :at) RETURNING id),"
        " level AS (UPDATE inventory.products SET stock_level = stock_level + :q WHERE id = :pid)"
        " SELECT id FROM moved",
        pid=product_id,
        business=business,
        kind=kind,
        q=Decimal(quantity),
        at=created_at,
    )


def rows(sql: str, **params) -> list[dict]:
    with engine().connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]


def cost_lines(sale_id: int, unit_cost: str) -> None:
    """Give a sale's lines the cost in force when sold, as payments copies it from inventory."""
    execute(
        "UPDATE payments.sale_lines SET unit_cost = :c, line_cost = round(:c * quantity, 2) WHERE sale_id = :s",
        c=Decimal(unit_cost),
        s=sale_id,
    )


def expense_category(name: str) -> int:
    return _insert("INSERT INTO payments.expense_categories (name) VALUES (:name) RETURNING id", name=name)


def expense(
    business: str, category_id: int, amount: str, created_at: dt.datetime, paid_from: str = "till"
) -> int:
    return _insert(
        "INSERT INTO payments.expenses (idempotency_key, business, category_id, amount, paid_from, created_at)"
        " VALUES (:key, :business, :category, :amount, :paid_from, :at) RETURNING id",
        key=uuid.uuid4(),
        business=business,
        category=category_id,
        amount=Decimal(amount),
        paid_from=paid_from,
        at=created_at,
    )


def refund(
    sale_id: int, business: str, amount: str, paid_at: dt.datetime, lines: list[tuple[str, bool]] = ()
) -> int:
    """Cash paid back on a sale; `lines` (quantity, damaged) hand back goods of the sale's first
    line, each carrying its share of that line's money and cost, as payments prices them."""
    refund_id = _insert(
        "INSERT INTO payments.refunds (idempotency_key, request_hash, sale_id, business, channel, status,"
        " amount, reason, created_at, updated_at, paid_at) VALUES (:key, 'test', :sale, :business, 'cash',"
        " 'paid', :amount, 'test', :at, :at, :at) RETURNING id",
        key=uuid.uuid4(),
        sale=sale_id,
        business=business,
        amount=Decimal(amount),
        at=paid_at,
    )
    for quantity, damaged in lines:
        _insert(
            "INSERT INTO payments.refund_lines (refund_id, sale_line_id, product_id, quantity, amount, cost,"
            " damaged) SELECT :refund, id, product_id, :q, round(unit_price * :q, 2), round(unit_cost * :q, 2),"
            " :damaged FROM payments.sale_lines WHERE sale_id = :sale ORDER BY id LIMIT 1 RETURNING id",
            refund=refund_id,
            sale=sale_id,
            q=Decimal(quantity),
            damaged=damaged,
        )
    return refund_id
