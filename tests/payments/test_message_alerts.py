"""The owner's text alerts: low stock (from inventory's published view) and the day's summary,
both to the owner's phone (accounts' published view), each once, each switchable off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from accounts.models import User
from accounts.models import db as accounts_db
from common.timeutil import NAIROBI
from payments.message_models import Message
from payments.models import Sale, db
from payments.services import messages, messages_alerts
from support.products import product_with_stock

EVENING = dt.datetime(2026, 11, 28, 21, 30, tzinfo=NAIROBI)


@pytest.fixture
def owner_phone(app_for):
    with app_for("accounts").app_context():
        accounts_db.session.add_all(
            [
                User(
                    username="boss",
                    display_name="Boss",
                    password_hash="x",
                    role="owner",
                    phone="254711000222",
                    language="sw",
                ),
                User(
                    username="clerk",
                    display_name="Clerk",
                    password_hash="x",
                    role="staff",
                    phone="254711000333",
                ),
            ]
        )
        accounts_db.session.commit()
    return "254711000222"


def alerts(app, kind: str) -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Message).where(Message.kind == kind).order_by(Message.id)))
        for message in found:
            db.session.expunge(message)
        return found


def test_low_stock_texts_the_owner_once_per_fall(app, owner_phone):
    product_with_stock("retail", "Sugar 1 kg", "180.00", "3", sku="SUG", reorder="5")
    product_with_stock("retail", "Salt", "50.00", "30", sku="SLT", reorder="5")
    with app.app_context():
        assert messages_alerts.low_stock() == 1
        assert messages_alerts.low_stock() == 0  # still low: not again
    (alert,) = alerts(app, "low_stock")
    assert (alert.phone, alert.business, alert.language) == (owner_phone, "retail", "sw")
    assert alert.body == "Retail Shop: Sugar 1 kg kinakaribia kuisha, zimebaki 3 (kiwango cha kuagiza 5)."


def test_the_messages_screen_says_where_alerts_go(client, auth, owner_phone):
    page = client.get("/api/payments/messages", headers=auth()).get_json()
    assert page["alert_phones"] == [owner_phone]


def test_low_stock_alerts_can_be_turned_off(app, owner_phone):
    with app.app_context():
        messages.change_alerts("retail", {"low_stock": False})
    product_with_stock("retail", "Sugar 1 kg", "180.00", "3", sku="SUG", reorder="5")
    with app.app_context():
        assert messages_alerts.low_stock() == 0
    assert alerts(app, "low_stock") == []


def test_the_daily_summary_goes_once_after_nine_for_the_nairobi_day(app, owner_phone):
    with app.app_context():
        db.session.add(
            Sale(
                idempotency_key=__import__("uuid").uuid4(),
                business="water",
                method="cash",
                status="paid",
                total=Decimal("1250.00"),
                created_at=EVENING - dt.timedelta(hours=2),
            )
        )
        db.session.commit()
        messages.change_alerts("laundry", {"daily_summary": False})
        assert messages_alerts.daily_summary(EVENING - dt.timedelta(hours=1)) == 0  # before 21:00
        assert messages_alerts.daily_summary(EVENING) == 2  # water and retail; laundry is off
        messages_alerts.daily_summary(EVENING + dt.timedelta(minutes=5))
    sent = {m.business: m.body for m in alerts(app, "daily_summary")}
    assert sent == {
        "water": "Water Refills 28/11: mauzo 1, KES 1,250.00.",
        "retail": "Retail Shop 28/11: mauzo 0, KES 0.00.",
    }
