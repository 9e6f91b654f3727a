"""Record a sale in the browser and see it on the dashboard."""

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import log_in, pick_business, sell_cash, server_sales, sign_in

pytestmark = pytest.mark.e2e


def card(page, title):
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=title))


def refresh_until(page, title, pattern, seconds=15):
    """Tap the screen's Refresh until the card's figure reads `pattern` (the poll would get there in 15 s)."""
    deadline = time.monotonic() + seconds
    figure = card(page, title).locator(".figure")
    while not re.search(pattern, figure.inner_text()):
        assert time.monotonic() < deadline, f"{title}: {figure.inner_text()!r} never matched {pattern!r}"
        button = page.locator(".screen-foot").get_by_role("button", name="Refresh")
        if button.is_enabled():
            button.click()
        page.wait_for_timeout(300)


def test_log_in_record_a_cash_sale_and_see_it_on_the_dashboard(stack, shop, owner_token, page):
    log_in(page)
    pick_business(page, "Water")
    expect(card(page, "Sales today").locator(".figure")).to_have_text("0")

    sell_cash(page, "Refill 20 litres")
    expect(page.get_by_role("status").filter(has_text="The sale is recorded")).to_be_visible()
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Home").click()

    refresh_until(page, "Sales today", r"^1$")
    refresh_until(page, "Money today", r"KES\s50\.00")
    expect(card(page, "Money today")).to_contain_text("Cash KES 50.00")
    sales = server_sales(stack, "water", owner_token)
    assert [(s["method"], s["total"], s["status"]) for s in sales] == [("cash", "50.00", "paid")]


def test_a_common_sale_is_at_most_five_taps_and_recent_items_come_first(stack, logins, owner_token, page):
    sign_in(page, logins["owner"])
    pick_business(page, "Water")
    sell_cash(page, "Refill 20 litres")
    # The product sold is now one tap away in "Recent".
    recent = page.locator(".tiles").first
    expect(recent.get_by_role("button", name="Refill 20 litres")).to_be_visible()
    recent.get_by_role("button", name="Refill 20 litres").click()
    recent.get_by_role("button", name="Refill 20 litres").click()
    expect(page.get_by_label("How many Refill 20 litres")).to_have_value("2")
    page.get_by_role("button", name="Cash").click()
    page.get_by_role("button", name="Confirm KES 100.00").click()
    expect(page.get_by_role("status").filter(has_text="The sale is recorded")).to_be_visible()
    token = owner_token
    deadline = time.monotonic() + 10
    while len(server_sales(stack, "water", token)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(s["total"] for s in server_sales(stack, "water", token)) == ["100.00", "50.00"]
