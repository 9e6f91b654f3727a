"""reporting on the real stack: fresh money after a sale, and the worker re-rolling a late change."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

import factories
import known
import pytest
import requests
from contracts import SaleChanged, seal
from redis import Redis

from common.dispatch import send

pytestmark = pytest.mark.e2e


def test_a_sale_shows_at_once_and_a_late_change_is_rerolled_by_the_worker(stack, auth):
    headers = auth()
    pid = factories.product("water", "Refill 20 L", "50.00", track_stock=False)
    now = dt.datetime.now(dt.UTC)
    factories.sale("water", "cash", now, [(pid, "Refill 20 L", "1", "50.00")])
    direct = f"http://127.0.0.1:{stack.port('reporting')}/api/reports/businesses/water/today"
    assert requests.get(direct, headers=headers, timeout=5).json()["revenue"] == "50.00"

    factories.sale("water", "mpesa", dt.datetime.now(dt.UTC), [(pid, "Refill 20 L", "2", "50.00")])
    assert requests.get(direct, headers=headers, timeout=5).json()["revenue"] == "150.00"
    # Through the gateway, as the PWA reads right after its own write.
    via_gateway = requests.get(
        f"{stack.url}/api/reports/businesses/water/today",
        headers={**headers, "Cache-Control": "no-cache"},
        timeout=5,
    )
    assert via_gateway.status_code == 200 and via_gateway.json()["mpesa"] == "100.00"

    # A late sale on yesterday, announced the way payments' relay does it.
    yesterday = known.nairobi_day(now) - dt.timedelta(days=1)
    late = known.midnight_utc(yesterday) + dt.timedelta(hours=10)
    sale_id = factories.sale("water", "cash", late, [(pid, "Refill 20 L", "3", "50.00")])
    send(seal(SaleChanged("water", sale_id, late), "e2e-1"), Redis.from_url(os.environ["REDIS_QUEUE_URL"]))
    # (The scheduler may also roll yesterday up meanwhile: wait for the figure, not the row.)
    deadline = time.monotonic() + 20
    expected = [{"revenue": Decimal("150.00")}]
    rows: list[dict] = []
    while time.monotonic() < deadline and rows != expected:
        time.sleep(0.2)
        rows = factories.rows(
            "SELECT revenue FROM reporting.daily_rollups WHERE business = 'water' AND day = :d", d=yesterday
        )
    assert rows == expected
