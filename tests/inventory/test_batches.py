"""inventory's batch form of the SalePaid consumer: one transaction for several sales, each line
moved once, even when batches overlap across two worker processes."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal

import pytest
import sqlalchemy as sa
from contracts import SalePaid, SoldLine, batch_form

from common.errors import NotFound
from inventory import services
from inventory.jobs import apply_sale_movements, apply_sales_movements
from inventory.models import Product, StockMovement, db

from .conftest import apply_in_child


def sale(sale_id, *lines, business="retail") -> SalePaid:
    return SalePaid(sale_id, business, tuple(SoldLine(i, p, Decimal(q)) for i, p, q in lines))


def level(product_id):
    db.session.expire_all()
    return db.session.get(Product, product_id).stock_level


def sale_movements() -> list[tuple[int, Decimal]]:
    rows = db.session.execute(
        sa.select(StockMovement.source_id, StockMovement.quantity)
        .where(StockMovement.source_type == "sale_line")
        .order_by(StockMovement.source_id)
    )
    return [tuple(row) for row in rows]


def test_the_batch_form_is_declared_for_the_sale_consumer():
    assert batch_form(apply_sale_movements) is apply_sales_movements


def test_a_batch_moves_each_line_once_and_sums_the_level(make_product):
    sugar = make_product(sku="SUGAR", stock="10")
    bread = make_product(sku="BREAD", stock="5")
    delivery = make_product(sku="DELIVERY", track_stock=False)
    events = [
        sale(1, (1, sugar.id, "2"), (2, delivery.id, "1")),
        sale(2, (3, sugar.id, "1"), (4, bread.id, "3")),
        sale(1, (1, sugar.id, "2"), (2, delivery.id, "1")),  # the same event twice in one batch
    ]
    assert apply_sales_movements(events) == 3
    assert apply_sales_movements(events) == 0  # a redelivered batch moves nothing more
    assert (level(sugar.id), level(bread.id)) == (Decimal("7.000"), Decimal("2.000"))
    assert services.ledger_sum(sugar.id) == Decimal("7.000")
    assert sale_movements() == [(1, Decimal("-2.000")), (3, Decimal("-1.000")), (4, Decimal("-3.000"))]


def test_a_batch_with_a_product_of_another_business_changes_nothing(make_product):
    sugar = make_product(sku="SUGAR", stock="4")
    bottle = make_product(business="water", sku="BOTTLE", stock="4")
    with pytest.raises(NotFound):
        apply_sales_movements([sale(1, (1, sugar.id, "1")), sale(2, (2, bottle.id, "1"))])
    assert (level(sugar.id), level(bottle.id), sale_movements()) == (Decimal("4.000"), Decimal("4.000"), [])


def test_two_workers_applying_overlapping_batches_move_each_line_once(make_product):
    products = [make_product(sku=f"P{i}", stock="50") for i in range(3)]
    events = [sale(100 + n, *[(10 * n + i, p.id, "1") for i, p in enumerate(products)]) for n in range(6)]
    # One worker has sales 0-3, the other 2-5 in the opposite order (a re-sent batch beside a new one).
    batches = (events[:4], list(reversed(events[2:])))
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=apply_in_child, args=(apply_sales_movements, b, start, results)) for b in batches
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert results.get(timeout=5) + results.get(timeout=5) == 6 * 3
    for product in products:
        assert level(product.id) == Decimal("44.000") == services.ledger_sum(product.id)
    assert len(sale_movements()) == 6 * 3
