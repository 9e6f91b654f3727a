"""inventory's SalePaid consumer: idempotent per sale line, even with two workers racing."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal

import pytest
import sqlalchemy as sa
from contracts import SalePaid, SoldLine, stored
from marshmallow import ValidationError

from common.dispatch import deliver
from common.errors import NotFound
from inventory import services
from inventory.jobs import apply_sale_movements
from inventory.models import Product, StockMovement, db

from .conftest import apply_in_child


def sale_event(*lines, business="retail", sale_id=7) -> SalePaid:
    return SalePaid(sale_id, business, tuple(SoldLine(i, p, Decimal(q)) for i, p, q in lines))


def payload(*lines, business="retail", sale_id=7) -> dict:
    """A SalePaid payload as it travels (v2), lines as (sale_line_id, product_id, quantity)."""
    return {
        "sale_id": sale_id,
        "business": business,
        "lines": [{"sale_line_id": i, "product_id": p, "quantity": q} for i, p, q in lines],
    }


def level(product_id):
    db.session.expire_all()
    return db.session.get(Product, product_id).stock_level


def movement_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement))


def test_a_sale_applied_twice_moves_stock_once_and_skips_services(make_product):
    sugar = make_product(sku="SUGAR", stock="10")
    bread = make_product(sku="BREAD", stock="3")
    delivery = make_product(sku="DELIVERY", track_stock=False)
    event = sale_event((1, sugar.id, "2.000"), (2, bread.id, "1"), (3, delivery.id, "1"))
    assert apply_sale_movements(event) == 2
    assert apply_sale_movements(event) == 0
    assert (level(sugar.id), level(bread.id)) == (Decimal("8.000"), Decimal("2.000"))
    assert services.ledger_sum(sugar.id) == Decimal("8.000")
    moves = db.session.scalars(sa.select(StockMovement).where(StockMovement.kind == "sale")).all()
    assert sorted((m.source_type, m.source_id) for m in moves) == [("sale_line", 1), ("sale_line", 2)]


def test_a_sale_may_take_stock_below_zero(make_product):
    milk = make_product(sku="MILK", stock="1")
    apply_sale_movements(sale_event((5, milk.id, "3")))
    assert level(milk.id) == Decimal("-2.000") == services.ledger_sum(milk.id)


@pytest.mark.parametrize(
    "malformed",
    [
        payload(),  # no lines
        payload((1, 1, "0")),
        payload((1, 1, "-1")),
        payload((1, 1, "1e9")),
        payload(("x", 1, "1")),
        {"business": "retail", "lines": payload((1, 1, "1"))["lines"]},  # no sale id
    ],
)
def test_a_malformed_event_fails_at_the_dispatcher_and_changes_nothing(make_product, malformed):
    make_product(stock="4")
    with pytest.raises(ValidationError):
        deliver(stored("sale_paid", 2, malformed, "1", None))
    assert movement_count() == 1 and level(1) == Decimal("4.000")


def test_an_event_for_an_unknown_business_fails_and_changes_nothing(make_product):
    sugar = make_product(stock="4")
    with pytest.raises(NotFound):
        deliver(stored("sale_paid", 2, payload((1, sugar.id, "1"), business="bakery"), "1", None))
    assert movement_count() == 1 and level(sugar.id) == Decimal("4.000")


def test_a_product_of_another_business_fails_the_whole_event(make_product):
    sugar = make_product(sku="SUGAR", stock="4")
    bottle = make_product(business="water", sku="BOTTLE", stock="4")
    with pytest.raises(NotFound):
        apply_sale_movements(sale_event((1, sugar.id, "1"), (2, bottle.id, "1")))
    assert (level(sugar.id), level(bottle.id), movement_count()) == (Decimal("4.000"), Decimal("4.000"), 2)


def test_the_job_invalidates_the_cached_stock_poll(make_product, client, auth):
    sugar = make_product(sku="SUGAR", stock="10")
    url = "/api/inventory/businesses/retail/stock"
    assert client.get(url, headers=auth()).get_json()["items"][0]["stock_level"] == "10.000"
    apply_sale_movements(sale_event((1, sugar.id, "4")))
    assert client.get(url, headers=auth()).get_json()["items"][0]["stock_level"] == "6.000"


def test_two_workers_racing_on_the_same_sale_move_stock_once(make_product):
    products = [make_product(sku=f"P{i}", stock="50") for i in range(4)]
    event = sale_event(*[(10 + i, p.id, "3") for i, p in enumerate(products)])
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=apply_in_child, args=(apply_sale_movements, event, start, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted([results.get(timeout=5), results.get(timeout=5)]) == [0, 4]
    for product in products:
        assert level(product.id) == Decimal("47.000") == services.ledger_sum(product.id)
    assert movement_count() == 4 + 4


def test_repair_sets_a_drifted_stock_level_back_to_its_ledger_sum(make_product):
    from inventory.jobs import repair_stock_levels

    sugar = make_product(sku="SUGAR", stock="10")
    bread = make_product(sku="BREAD", stock="3")
    assert repair_stock_levels() == {"stock_levels": 0}
    db.session.execute(sa.update(Product).where(Product.id == sugar.id).values(stock_level=Decimal("99")))
    db.session.commit()
    assert repair_stock_levels() == {"stock_levels": 1}
    assert level(sugar.id) == Decimal("10.000") == services.ledger_sum(sugar.id)
    assert level(bread.id) == Decimal("3.000")
    assert repair_stock_levels() == {"stock_levels": 0}
