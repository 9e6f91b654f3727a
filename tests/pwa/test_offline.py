"""Offline: sales recorded without a network survive a reload and reach the server once each."""

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import pick_business, sell_cash, server_sales, sign_in, wait_for_service_worker

pytestmark = pytest.mark.e2e

OUTBOX_COUNT = """async (userId) => {
  const db = await new Promise((ok, fail) => {
    const open = indexedDB.open('tomtin-user-' + userId)
    open.onsuccess = () => ok(open.result)
    open.onerror = () => fail(open.error)
  })
  const count = await new Promise((ok) => {
    const req = db.transaction('outbox').objectStore('outbox').count()
    req.onsuccess = () => ok(req.result)
  })
  db.close()
  return count
}"""


def test_three_sales_offline_survive_a_reload_and_are_recorded_exactly_once(
    stack, logins, owner_token, context, page
):
    sign_in(page, logins["owner"])
    wait_for_service_worker(page)
    # Open Water's figures afresh now that the worker controls the page, so it keeps a copy.
    pick_business(page, "Shop")
    with page.expect_response(lambda r: "/water/today" in r.url and r.status == 200):
        pick_business(page, "Water")
    user_id = page.evaluate("JSON.parse(localStorage.getItem('tomtin.session')).user.id")

    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Sell").click()
    expect(page.get_by_text("Refill 20 litres").first).to_be_visible()

    context.set_offline(True)
    for _ in range(3):
        sell_cash(page, "Refill 20 litres")
        expect(page.get_by_role("status").filter(has_text="Saved on this phone")).to_be_visible()

    page.reload()  # served by the service worker: there is no network
    expect(page.get_by_text("3 sales are waiting to be sent")).to_be_visible()
    assert page.evaluate(OUTBOX_COUNT, user_id) == 3
    assert server_sales(stack, "water", owner_token) == []
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Home").click()
    # The worker answers from its cache, and the card says so.
    expect(page.get_by_text(re.compile(r"no connection: numbers from \d\d:\d\d")).first).to_be_visible()
    # Money today counts the sales still on the phone, and says they are not sent yet.
    expect(page.get_by_test_id("not-sent")).to_contain_text("KES 150.00 from 3 cash sales not sent yet")
    expect(page.locator(".figure").first).to_have_text(re.compile(r"KES\s150\.00"))

    context.set_offline(False)
    expect(page.get_by_text("waiting to be sent")).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id("not-sent")).to_have_count(0)
    deadline = time.monotonic() + 10
    while len(server_sales(stack, "water", owner_token)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a duplicate, if any, would show up now
    sales = server_sales(stack, "water", owner_token)
    assert len(sales) == 3
    assert len({s["id"] for s in sales}) == 3
    assert all(s["status"] == "paid" and s["total"] == "50.00" for s in sales)
    assert page.evaluate(OUTBOX_COUNT, user_id) == 0


def test_every_open_tab_shows_the_same_outbox_count(stack, logins, context, page):
    sign_in(page, logins["owner"])
    other = context.new_page()
    other.goto("/")
    expect(other.locator("main.home")).to_be_visible()

    # Sales cannot reach the server for now: the one recorded in the first tab stays on the phone.
    def refuse_sales(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    context.route("**/api/payments/businesses/*/sales", refuse_sales)
    sell_cash(page, "Refill 20 litres")
    expect(page.get_by_text("1 sale is waiting to be sent")).to_be_visible()
    # The second tab has no reason of its own to look at the outbox: it is told.
    expect(other.get_by_text("1 sale is waiting to be sent")).to_be_visible()

    # Back on line, one tab sends it (retrying on its own); the other learns of it from that tab.
    context.unroute("**/api/payments/businesses/*/sales")
    expect(page.get_by_text("waiting to be sent")).to_have_count(0, timeout=30_000)
    expect(other.get_by_text("waiting to be sent")).to_have_count(0, timeout=30_000)
    assert len(server_sales(stack, "water", logins["owner"]["token"])) == 1
