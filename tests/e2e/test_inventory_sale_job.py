"""The real worker applies a duplicated SalePaid event once through the dispatcher; the stock poll shows it."""

import datetime as dt
import os
import time
from decimal import Decimal

import pytest
import requests
from contracts import SalePaid, SoldLine, seal
from redis import Redis
from rq.job import Job

from common.auth import Principal
from common.dispatch import send
from inventory import services
from inventory.models import Product, db
from support.businesses import BUSINESSES
from support.products import product_with_stock

pytestmark = pytest.mark.e2e
OWNER = Principal(1, "owner", "owner", BUSINESSES, "t", dt.datetime.now(dt.UTC))


def test_the_worker_applies_a_duplicated_sale_event_once(stack, app_for, auth):
    product_id = product_with_stock("retail", "Sugar", "180", "10", sku="SUG", actor=OWNER).id
    url = f"{stack.url}/api/inventory/businesses/retail/stock"
    assert requests.get(url, headers=auth()).json()["items"][0]["stock_level"] == "10.000"  # cache warm
    envelope = seal(SalePaid(1, "retail", (SoldLine(1, product_id, Decimal("3")),)), "e-1")
    connection = Redis.from_url(os.environ["REDIS_QUEUE_URL"])
    for attempt in range(2):
        send(envelope, connection, job_id=f"e2e-sale-{attempt}")
    jobs = [Job.fetch(f"e2e-sale-{attempt}", connection=connection) for attempt in range(2)]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(job.get_status(refresh=True) == "finished" for job in jobs):
        time.sleep(0.1)
    assert [job.return_value() for job in jobs] == [1, 1]  # each delivered to its one consumer
    with app_for("inventory").app_context():
        assert db.session.get(Product, product_id).stock_level == Decimal("7.000")
        assert services.ledger_sum(product_id) == Decimal("7.000")
    direct = f"http://127.0.0.1:{stack.port('inventory')}/api/inventory/businesses/retail/stock"
    assert requests.get(direct, headers=auth()).json()["items"][0]["stock_level"] == "7.000"
    # The gateway may answer from its ~1 s micro-cache (plus one stale-while-updating answer).
    deadline = time.monotonic() + 5
    while requests.get(url, headers=auth()).json()["items"][0]["stock_level"] != "7.000":
        assert time.monotonic() < deadline, "the gateway kept serving the old stock level"
        time.sleep(0.2)
