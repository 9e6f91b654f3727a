"""reporting foundation endpoint: today's summary from payments' published view."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from payments.models import Sale
from payments.models import db as payments_db


def add_sale(business, method, total, created_at, status="paid"):
    payments_db.session.add(
        Sale(
            idempotency_key=uuid.uuid4(),
            business=business,
            method=method,
            status=status,
            total=Decimal(total),
            created_at=created_at,
        )
    )


@pytest.fixture
def client(app_for):
    now = dt.datetime.now(dt.UTC)
    with app_for("payments").app_context():
        add_sale("water", "cash", "100.00", now)
        add_sale("water", "mpesa", "250.50", now)
        add_sale("laundry", "cash", "300.00", now)
        add_sale("water", "cash", "999.00", now, status="failed")
        add_sale("water", "cash", "777.00", now - dt.timedelta(days=2))
        payments_db.session.commit()
    return app_for("reporting").test_client()


def test_today_for_one_business(client, auth):
    body = client.get("/api/reports/businesses/water/today", headers=auth()).get_json()
    assert body["revenue"] == "350.50"
    assert body["sales_count"] == 2
    assert (body["cash"], body["mpesa"]) == ("100.00", "250.50")


def test_all_covers_only_the_callers_businesses(client, auth):
    owner = client.get("/api/reports/businesses/all/today", headers=auth()).get_json()
    assert owner["revenue"] == "650.50"
    staff = client.get("/api/reports/businesses/all/today", headers=auth("staff", ["laundry"])).get_json()
    assert staff["revenue"] == "300.00"
