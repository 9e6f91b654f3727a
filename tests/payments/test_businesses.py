"""Sales follow the businesses accounts publishes: a laundry-kind business takes orders whatever
its code, and an archived business takes no new sale."""

import datetime as dt

import sqlalchemy as sa

from accounts import owner
from common.auth import Principal
from payments.models import Sale, db
from support.problems import assert_problem
from support.products import product_with_stock

OWNER = Principal(1, "owner", "owner", ("water", "laundry", "retail"), "t", dt.datetime.now(dt.UTC))


def _product(app_for, business: str) -> int:
    return product_with_stock(business, "Wash", "100.00", sku="WASH", unit="kg", tracked=False).id


def _sales(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Sale))


def test_a_new_laundry_business_records_orders(app_for, post_sale, auth):
    with app_for("accounts").app_context():
        code = owner.open_business("Dobi Express", "laundry", OWNER).code
    line = [{"product_id": _product(app_for, code), "quantity": "2"}]
    sale = post_sale(business=code, lines=line, headers=auth("owner", [code]))
    assert sale.status_code == 201, sale.get_json()
    assert sale.get_json()["order_status"] == "received" and sale.get_json()["total"] == "200.00"


def test_an_archived_business_takes_no_new_sale(app, app_for, post_sale):
    line = [{"product_id": _product(app_for, "water"), "quantity": "1"}]
    with app_for("accounts").app_context():
        owner.change_business("water", {"archived": True}, OWNER)
    assert_problem(post_sale(lines=line), 409)
    assert _sales(app) == 0
