"""inventory rules against real PostgreSQL: the ledger, its guards, prices, delta cursors."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from common import delta
from common.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory import services
from inventory.models import PriceHistory, Product, StockMovement, db
from support.env import service_environment

from .conftest import actor


def level_and_ledger(product_id):
    db.session.expire_all()
    return db.session.get(Product, product_id).stock_level, services.ledger_sum(product_id)


def test_movements_keep_level_equal_to_ledger(make_product, owner):
    product = make_product(stock="10")
    services.record_movement("retail", product.id, "write_off", Decimal("2.5"), owner, reason="spilt")
    services.record_movement("retail", product.id, "adjust", Decimal("-1"), owner, reason="count")
    services.record_movement("retail", product.id, "return", Decimal("0.5"), actor("staff"))
    assert level_and_ledger(product.id) == (Decimal("7.000"), Decimal("7.000"))


@pytest.mark.parametrize(
    ("kind", "quantity", "who", "reason", "error"),
    [
        ("write_off", "11", "owner", "broken", Conflict),  # would go below zero
        ("adjust", "-11", "owner", "count", Conflict),
        ("receive", "0", "owner", None, InvalidInput),
        ("receive", "-3", "owner", None, InvalidInput),
        ("adjust", "2", "owner", None, InvalidInput),  # needs a reason
        ("write_off", "1", "staff", "broken", Forbidden),
        ("sale", "1", "owner", None, InvalidInput),  # sales come from payments
    ],
)
def test_refused_movements_change_nothing(make_product, kind, quantity, who, reason, error):
    product = make_product(stock="10")
    with pytest.raises(error):
        services.record_movement("retail", product.id, kind, Decimal(quantity), actor(who), reason=reason)
    db.session.rollback()
    assert level_and_ledger(product.id) == (Decimal("10.000"), Decimal("10.000"))


def test_services_and_other_businesses_products_have_no_stock_to_move(make_product, owner):
    service = make_product(sku="WASH", track_stock=False)
    water = make_product(business="water", sku="BOTTLE")
    with pytest.raises(Conflict, match="not tracked"):
        services.record_movement("retail", service.id, "receive", Decimal("1"), owner)
    db.session.rollback()
    with pytest.raises(NotFound):
        services.record_movement("retail", water.id, "receive", Decimal("1"), owner)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 0


def test_a_retried_movement_with_the_same_key_moves_stock_once(make_product, owner):
    product = make_product(stock="1")
    key = uuid.uuid4()
    first, created = services.record_movement(
        "retail", product.id, "receive", Decimal("4"), owner, idempotency_key=key
    )
    again, created_again = services.record_movement(
        "retail", product.id, "receive", Decimal("4"), owner, idempotency_key=key
    )
    assert (created, created_again, again.id) == (True, False, first.id)
    with pytest.raises(Conflict):
        services.record_movement("retail", product.id, "receive", Decimal("5"), owner, idempotency_key=key)
    db.session.rollback()
    assert level_and_ledger(product.id) == (Decimal("5.000"), Decimal("5.000"))


def test_price_change_keeps_the_old_price_in_history(make_product, owner):
    product = make_product(price="180.00")
    services.change_price(product.id, Decimal("195.50"), owner)
    services.change_price(product.id, Decimal("195.50"), owner)  # a retry adds no row
    history = services.price_history(product.id, owner)
    assert [h.price for h in history] == [Decimal("195.50"), Decimal("180.00")]
    assert history[0].valid_from >= history[1].valid_from
    assert db.session.get(Product, product.id).price == Decimal("195.50")


def test_staff_cannot_create_or_reprice(make_product):
    product = make_product()
    with pytest.raises(Forbidden):
        services.change_price(product.id, Decimal("1.00"), actor("staff"))
    with pytest.raises(Forbidden):
        services.create_product("retail", {"sku": "X"}, actor("staff"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriceHistory)) == 1


def test_duplicate_sku_in_a_business_is_a_conflict(make_product):
    make_product(sku="SUGAR")
    with pytest.raises(Conflict):
        make_product(sku="SUGAR")
    make_product(business="water", sku="SUGAR")  # another business may reuse it


def _move_many(product_id: int, count: int, start) -> None:
    """In a child process: its own app, then `count` movements as soon as all children are ready."""
    from inventory.app import create_app

    with create_app().app_context():
        start.wait(30)
        for i in range(count):
            kind, quantity = ("write_off", "1.5") if i % 3 == 0 else ("receive", "2")
            services.record_movement("retail", product_id, kind, Decimal(quantity), actor(), reason="test")


def test_fifty_concurrent_movements_from_five_processes_keep_level_equal_to_ledger(make_product):
    product = make_product(stock="100")
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(5)
    children = [ctx.Process(target=_move_many, args=(product.id, 10, start)) for _ in range(5)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [c.exitcode for c in children] == [0] * 5
    # Per process: 4 write-offs of 1.5 and 6 receipts of 2 = +6; five processes = +30.
    assert level_and_ledger(product.id) == (Decimal("130.000"), Decimal("130.000"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 51


def test_a_write_committed_after_the_cursor_is_still_in_the_next_delta(make_product):
    """A slow transaction that changed a row before a read but commits after it is not skipped."""
    product = make_product(stock="3")
    writer = sa.create_engine(service_environment()["INVENTORY_DATABASE_URL"], poolclass=sa.pool.NullPool)
    with writer.connect() as conn:
        conn.execute(sa.text("SELECT pg_current_xact_id()"))
        conn.execute(
            sa.text("UPDATE products SET reorder_level = 9, updated_at = clock_timestamp() WHERE id = :id"),
            {"id": product.id},
        )
        cursor = services.watermark()
        assert services.list_products("retail", cursor) == []  # not visible yet
        conn.commit()
    writer.dispose()
    assert [p.id for p in services.list_products("retail", cursor)] == [product.id]


def _write_from_another_process(product_id: int, reorder: int) -> None:
    """A change committed through an engine of its own, as the worker's would be."""
    writer = sa.create_engine(service_environment()["INVENTORY_DATABASE_URL"], poolclass=sa.pool.NullPool)
    with writer.begin() as conn:
        conn.execute(sa.text("SELECT pg_current_xact_id()"))
        conn.execute(
            sa.text("UPDATE products SET reorder_level = :r, updated_at = clock_timestamp() WHERE id = :id"),
            {"id": product_id, "r": reorder},
        )
    writer.dispose()


def test_rows_read_through_the_driver_equal_sqlalchemys(make_product, owner):
    """The pollable lists read on a connection go round SQLAlchemy (common.db.fetch_all)."""
    make_product(sku="SUGAR", stock="2.5", reorder="1")
    gone = make_product(sku="SALT", price="45.50")
    services.update_product(gone.id, {"active": False}, owner)
    through_session = services.list_products("retail")
    with services.reading() as conn:
        through_driver = services.list_products("retail", conn=conn)
        since = services.list_products("retail", through_session[0].updated_at, conn=conn)
    assert [tuple(row) for row in through_driver] == [tuple(row) for row in through_session]
    assert [row._fields for row in through_driver][0] == tuple(through_session[0]._fields)
    assert {row.sku for row in since} <= {"SUGAR", "SALT"} and len(through_driver) == 2


def test_a_reused_cursor_still_brings_a_change_committed_elsewhere(make_product):
    product = make_product()
    cursor = services.watermark()
    _write_from_another_process(product.id, 7)
    reused = services.watermark()
    assert reused == cursor  # within delta.REUSE_SECONDS, and no commit of this process between
    assert [p.reorder_level for p in services.list_products("retail", reused)] == [Decimal("7.000")]


def test_a_commit_of_this_process_or_the_time_limit_takes_a_new_cursor(make_product, owner, monkeypatch):
    product = make_product()
    cursor = services.watermark()
    services.update_product(product.id, {"name": "Sugar 2 kg"}, owner)
    after_own_write = services.watermark()
    assert after_own_write > cursor
    assert services.list_products("retail", after_own_write) == []  # its own write is not sent back
    monkeypatch.setattr(delta, "REUSE_SECONDS", 0.05)
    _write_from_another_process(product.id, 3)
    time.sleep(0.06)
    assert services.watermark() > after_own_write


def test_delta_returns_only_changed_rows_including_deactivated(make_product, owner):
    old = make_product(sku="OLD")
    kept = make_product(sku="KEPT")
    cursor = services.watermark()
    services.update_product(old.id, {"active": False}, owner)
    assert [p.sku for p in services.list_products("retail", cursor)] == ["OLD"]
    assert {p.sku for p in services.list_products("retail")} == {"OLD", "KEPT"}
    assert kept.id not in [p.id for p in services.list_stock("retail", cursor)]


def test_low_stock_is_at_or_below_reorder_level_and_active(make_product, owner):
    make_product(sku="LOW", stock="2", reorder="5")
    make_product(sku="EDGE", stock="5", reorder="5")
    make_product(sku="PLENTY", stock="9", reorder="5")
    gone = make_product(sku="GONE", stock="1", reorder="5")
    make_product(sku="SERVICE", track_stock=False, reorder="5")
    services.update_product(gone.id, {"active": False}, owner)
    assert [p.sku for p in services.list_low_stock("retail")] == ["LOW", "EDGE"]


def test_demo_data_puts_opening_stock_in_through_the_ledger(app):
    from inventory import demo

    demo.load()
    demo.load()  # idempotent
    products = db.session.scalars(sa.select(Product)).all()
    assert len(products) == len(demo.DEMO_PRODUCTS)
    assert all(p.stock_level == services.ledger_sum(p.id) for p in products)
    assert {p.sku: p.stock_level for p in products}["SUGAR-1KG"] == Decimal("40.000")


def test_a_level_beyond_the_column_is_refused_not_a_crash(make_product, owner):
    product = make_product(stock="999999999")
    with pytest.raises(Conflict, match="more than this system can hold"):
        services.record_movement("retail", product.id, "receive", Decimal("1"), owner)
    db.session.rollback()
    assert level_and_ledger(product.id) == (Decimal("999999999.000"), Decimal("999999999.000"))
