"""The owner's Messages screen on a phone: each message's status with a plain reason, the month's
count and cost, an alert turned off and a number stopped then allowed again."""

from __future__ import annotations

import re
import time

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from payments.message_models import Message
from payments.models import db
from payments.services import messages

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def queued_and_settled(app_for) -> None:
    """One message delivered and one to a number that cannot get texts (the simulator's 403)."""
    with app_for("payments").app_context():
        for phone in ("0712345678", "0712345403"):
            messages.queue_message("laundry", phone, "laundry_ready", {"ticket": "L-5"}, "en")
        db.session.commit()
        for _ in range(150):
            db.session.rollback()
            statuses = set(db.session.scalars(sa.select(Message.status)))
            if statuses <= {"delivered", "failed"}:
                return
            time.sleep(0.2)
    raise AssertionError(f"the worker did not send them: {statuses}")


def test_the_owner_reads_statuses_turns_an_alert_off_and_stops_a_number(stack, logins, page: Page, app_for):
    queued_and_settled(app_for)
    sign_in(page, logins["owner"])
    page.evaluate("(r) => { location.hash = r }", "/businesses")
    page.get_by_role("navigation", name="Businesses and staff").get_by_role("button", name="Messages").click()
    expect(page.get_by_role("heading", name="Text messages", exact=True)).to_be_visible()
    expect(page.get_by_text("This number cannot get text messages.")).to_be_visible()
    expect(page.locator(".month-figures")).to_contain_text("1 message sent")
    expect(page.locator(".month-figures .figure")).to_have_text(re.compile(r"KES\s*0\.80"))
    expect(page.get_by_role("link", name="Add your phone number on the Staff screen to get alerts.")).to_be_visible()
    page.get_by_role("button", name="Send again").click()  # the failed one, as a new message
    expect(page.locator(".message-item")).to_have_count(3)

    laundry = page.locator("fieldset", has_text="Laundry")
    laundry.get_by_label("Low stock").uncheck()
    token = logins["owner"]["token"]

    def alerts() -> dict:
        found = requests.get(
            f"{stack.url}/api/payments/messages",
            headers={"Authorization": f"Bearer {token}", "Cache-Control": "no-cache"},
            timeout=10,
        ).json()
        return {a["business"]: a for a in found["alerts"]} | {
            "_stops": [o["phone"] for o in found["opt_outs"]]
        }

    expect(laundry.get_by_label("Low stock")).not_to_be_checked()
    for _ in range(50):  # the switch moves at once; the server is told just after
        if alerts()["laundry"]["low_stock"] is False:
            break
        time.sleep(0.1)
    assert alerts()["laundry"]["low_stock"] is False and alerts()["water"]["low_stock"] is True

    page.get_by_label("Phone number").fill("0711 222 333")
    page.get_by_role("button", name="Stop messages").click()
    stopped = page.locator(".stopped-list li", has_text="0711 222 333")
    expect(stopped).to_be_visible()
    assert alerts()["_stops"] == ["254711222333"]
    stopped.get_by_role("button", name="Allow again").click()
    expect(stopped).to_have_count(0)
    assert alerts()["_stops"] == []
