"""payments business rules. No Flask request here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from common.errors import InvalidInput
from common.money import to_money

from .models import Sale, SaleLine, db

RECENT_SALES_LIMIT = 100
_PRICES = sa.text(
    "SELECT id, name, price FROM inventory.v_products WHERE business = :business AND active AND id = ANY(:ids)"
)


def list_sales(business: str, limit: int = RECENT_SALES_LIMIT) -> list[Sale]:
    """The most recent sales of a business, newest first, with their lines."""
    query = (
        sa.select(Sale)
        .where(Sale.business == business)
        .options(selectinload(Sale.lines))
        .order_by(Sale.created_at.desc(), Sale.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def record_cash_sale(business: str, lines: Iterable[tuple[int, Decimal]], user_id: int | None = None) -> Sale:
    """Record a paid cash sale priced from inventory's published view."""
    wanted = list(lines)
    ids = [product_id for product_id, _ in wanted]
    prices = {row.id: row for row in db.session.execute(_PRICES, {"business": business, "ids": ids})}
    missing = [str(pid) for pid in ids if pid not in prices]
    if missing:
        raise InvalidInput("unknown product", {"lines": [f"Unknown product id(s): {', '.join(missing)}."]})
    sale = Sale(
        idempotency_key=uuid.uuid4(), business=business, method="cash", status="paid", created_by=user_id
    )
    for product_id, quantity in wanted:
        product = prices[product_id]
        line_total = to_money(product.price * quantity)
        sale.lines.append(
            SaleLine(
                product_id=product_id,
                name=product.name,
                quantity=quantity,
                unit_price=product.price,
                line_total=line_total,
            )
        )
    sale.total = sum((line.line_total for line in sale.lines), Decimal("0.00"))
    db.session.add(sale)
    db.session.commit()
    return sale
