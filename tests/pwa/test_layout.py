"""Every screen on a 320, 360 and 412 px phone, in English and Swahili, with the biggest figures
and longest product names a shop will have: nothing wider than the screen, no money or
navigation text cut off, and no serious or critical accessibility problem (axe-core)."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from payments.models import db as payments_db
from payments.services import messages
from support.products import product_with_stock

from .conftest import _SYSTEM, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360, 412)
AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
# Biggest figure the issue asks for, and names as long as real ones get.
BIG_PRICE = "99999999.99"
LONG_NAMES = {
    "retail": "Unga wa ngano wa familia Jogoo Premium pakiti kubwa ya kilo mbili",
    "water": "Maji safi ya kunywa yaliyochujwa mara tatu mtungi wa lita ishirini",
}
# Where a wait shows the screen has its data (by route; the login screen is checked apart).
SCREENS = {
    "/": "main.home .money-split",
    "/sell": ".tiles.all .tile",
    "/stock": ".stock-item",
    "/stock/low": ".stock-item",
    "/laundry": ".order",
    "/reports": ".report-row",
    "/attention": "main.attention",
    "/businesses": "main.businesses section.card",
    "/staff": "main.staff section.person",
    "/history": "main.history .audit-entry",
    "/products": "main.products .product-item",
    "/switch": "main.switch-user form",
    "/till": "main.till section.card",
    "/money-out": "main.money-out .categories",
    "/costs": ".cost-row",
    "/closes": ".close-row",
    "/to-check": "main.to-check .banner.good, main.to-check .check-item",
    "/customers": "main.customers .order",
    "/sales": "main.sales .sales-filter",
    "/messages": "main.messages .message-item",
}
# Money and navigation: text here must be whole, never clipped by its box.
WHOLE_TEXT = ".figure, .figure-detail, .not-sent, .bar-text, .report-cell dd, .total, .cart-bar, .nav-label, .switch span, .status-word"

OVERFLOW = """(selectors) => {
  const width = document.documentElement.clientWidth
  const wide = []
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect()
    if (box.width === 0 || box.height === 0) continue
    if (box.right > width + 0.5 || box.left < -0.5) wide.push(`${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className}: ${Math.round(box.left)}..${Math.round(box.right)}`)
  }
  const cut = []
  for (const el of document.querySelectorAll(selectors)) {
    if (el.scrollWidth > el.clientWidth + 1) cut.push(`${el.className}: "${el.textContent.trim().slice(0, 40)}" needs ${el.scrollWidth} of ${el.clientWidth} px`)
  }
  return { page: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8), cut }
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] })
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)
}"""


def api(stack, method: str, path: str, token: str, **kwargs):
    response = requests.request(
        method,
        f"{stack.url}/api{path}",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=15,
        **kwargs,
    )
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


@pytest.fixture
def big_shop(stack, shop, app_for, owner_token) -> dict:
    """Long product names (one of them low on stock), a KES 99,999,999.99 sale, a laundry order
    and an M-Pesa payment, so every screen has its largest content."""
    ids = {
        business: product_with_stock(
            business, name, BIG_PRICE, "3", sku=f"LONG-{business}", reorder="10", actor=_SYSTEM
        ).id
        for business, name in LONG_NAMES.items()
    }
    big = api(
        stack,
        "POST",
        "/payments/businesses/retail/sales",
        owner_token,
        json={"method": "cash", "lines": [{"product_id": ids["retail"], "quantity": "1"}]},
    )
    # A customer with a long name owing the biggest sale, on account.
    customer = api(
        stack,
        "POST",
        "/payments/customers",
        owner_token,
        json={"phone": "0799000111", "name": LONG_NAMES["water"][:80]},
    )
    api(
        stack,
        "PUT",
        f"/payments/customers/{customer['id']}/credit-limit",
        owner_token,
        json={"credit_limit": BIG_PRICE},
    )
    api(
        stack,
        "POST",
        "/payments/businesses/retail/sales",
        owner_token,
        json={
            "method": "account",
            "customer_id": customer["id"],
            "lines": [{"product_id": ids["retail"], "quantity": "1"}],
        },
    )
    api(
        stack,
        "POST",
        "/payments/businesses/laundry/sales",
        owner_token,
        json={
            "method": "cash",
            "customer_phone": "0712345678",
            "lines": [{"product_id": shop["WASH-KG"], "quantity": "2.5"}],
            "order": {
                "items": LONG_NAMES["water"],
                "promised_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=59)).isoformat(),
            },
        },
    )
    sale = api(
        stack,
        "POST",
        "/payments/businesses/water/sales",
        owner_token,
        json={
            "method": "mpesa",
            "customer_phone": "254712345678",
            "lines": [{"product_id": shop["REFILL-20L"], "quantity": "1"}],
        },
    )
    payment = api(
        stack, "POST", f"/payments/sales/{sale['id']}/stk-push", owner_token, json={"phone": "254712345678"}
    )
    with app_for("payments").app_context():  # a text message, for the owner's Messages screen
        messages.queue_message(
            "laundry", "0712345678", "payment_reminder", {"balance": "99,999,999.99"}, "sw"
        )
        payments_db.session.commit()
    # The figures come from the worker's roll-ups: wait until "all" shows the big sale.
    expect_today(stack, owner_token, lambda today: Decimal(today["revenue"]) >= Decimal(BIG_PRICE))
    return {"payment": payment["id"], "sale": big["id"], "customer": customer["id"]}


def expect_today(stack, token, ready, tries=100):
    for _ in range(tries):
        today = requests.get(
            f"{stack.url}/api/reports/businesses/all/today",
            headers={"Authorization": f"Bearer {token}", "Cache-Control": "no-cache"},
            timeout=10,
        ).json()
        if ready(today):
            return
        time.sleep(0.2)
    raise AssertionError(f"today never got ready: {today}")


def use_language(page: Page, stack, login: dict, language: str) -> None:
    """Store the language with the user (the real endpoint), then start the app signed in."""
    user = api(stack, "PUT", "/auth/me/language", login["token"], json={"language": language})
    assert user["language"] == language
    sign_in(page, {**login, "user": {**login["user"], "language": language}})
    expect(page.locator("html")).to_have_attribute("lang", language)


def check(
    page: Page, route: str, ready: str, problems: list, width: int, language: str, axe: bool, name=None
) -> None:
    page.evaluate("(r) => { location.hash = r }", route)
    page.locator(ready).first.wait_for()
    found = page.evaluate(OVERFLOW, WHOLE_TEXT)
    where = f"{language} {width}px {route}"
    if found["page"] > found["width"] or found["wide"]:
        problems.append(f"{where}: page {found['page']} px wide; {found['wide']}")
    if found["cut"]:
        problems.append(f"{where}: text cut off: {found['cut']}")
    if axe:
        problems.extend(f"{where}: {v}" for v in page.evaluate(AXE_RUN))
    shots = os.environ.get("TOMTIN_SCREENSHOTS")
    if shots and width == 360:
        name = name or re.sub(r"\W+", "_", route).strip("_") or "home"
        page.screenshot(path=f"{shots}/{language}-{width}-{name}.png", full_page=True)


@pytest.mark.parametrize("language", ["sw", "en"])
def test_every_screen_fits_the_phone_in_both_languages(stack, big_shop, logins, page, language):
    page.add_init_script(path=str(AXE))
    use_language(page, stack, logins["owner"], language)
    # The sale screen with the long product in the cart, on retail; the status of a payment.
    page.evaluate(
        "(id) => localStorage.setItem('tomtin.business.' + id, 'retail')", logins["owner"]["user"]["id"]
    )
    # A closed shift with the biggest figures, for the shift report and the owner's list of closes.
    token = logins["owner"]["token"]
    api(stack, "POST", "/payments/expense-categories", token, json={"name": LONG_NAMES["water"][:60]})
    shift = api(stack, "POST", "/payments/businesses/retail/shifts", token, json={"float": BIG_PRICE})
    api(
        stack,
        "POST",
        f"/payments/shifts/{shift['id']}/close",
        token,
        json={"counted": "0", "pending_sales": 3},
    )
    screens = {
        **SCREENS,
        f"/mpesa/{big_shop['payment']}": "main.mpesa:not([data-state='loading'])",
        f"/zreport/{shift['id']}": "main.zreport .zreport-paper",
        f"/sales/{big_shop['sale']}": "main.sale-detail .receipt-share",
        f"/customers/{big_shop['customer']}": "main.customer [data-testid=statement]",
    }
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 780})
        for route, ready in screens.items():
            check(page, route, ready, problems, width, language, axe=width == 360)
        # The laundry's new-order form (a button opens it): customer search, service, deposit.
        page.evaluate("(r) => { location.hash = r }", "/laundry")
        page.locator("main.laundry > button.primary").click()
        page.locator("#customer-find").fill("0799")
        check(
            page,
            "/laundry",
            "form.new-order #order-deposit",
            problems,
            width,
            language,
            axe=width == 360,
            name="laundry_new",
        )
        # Home on "All" (every card, the week's chart) and the sale with a full cart.
        page.evaluate("(r) => { location.hash = r }", "/")
        everything = (
            page.get_by_role("navigation", name=re.compile("Business|Biashara")).get_by_role("button").last
        )
        expect(everything).to_have_text({"sw": "Zote", "en": "All"}[language])
        everything.click()
        check(
            page, "/", "main.home .money-split", problems, width, language, axe=width == 360, name="home_all"
        )
        page.evaluate("(r) => { location.hash = r }", "/sell")
        page.locator(".tiles.all .tile").filter(has_text=LONG_NAMES["retail"]).click()
        # With a cart open every product button can still be reached and tapped (a click on a
        # covered button fails: something else would receive it).
        tiles = page.locator(".tiles.all .tile")
        for i in range(tiles.count()):
            tiles.nth(i).click(timeout=5_000)
        expect(page.locator(".cart-line")).to_have_count(tiles.count())
        page.locator(".methods button").nth(1).click()  # M-Pesa: the phone field and the longest button
        check(page, "/sell", ".cart", problems, width, language, axe=width == 360, name="sell_cart")
        page.locator(".methods button").last.click()  # on account: the customer picker and a match
        page.locator("#customer-find").fill("0799")
        check(
            page,
            "/sell",
            ".customer-choice",
            problems,
            width,
            language,
            axe=width == 360,
            name="sell_account",
        )
        page.locator(".top-bar button").last.click()  # the log-out question
        check(page, "/", ".panel", problems, width, language, axe=width == 360, name="logout")
        page.locator(".panel button").last.click()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["sw", "en"])
def test_login_screen_fits_and_its_language_switch_is_kept_for_the_user(stack, shop, page, language):
    page.add_init_script(path=str(AXE))
    page.goto("/")
    problems: list[str] = []
    other = {"sw": "Kiswahili", "en": "English"}[language]
    if page.locator("html").get_attribute("lang") != language:
        page.get_by_role("button", name=other).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700})
        check(page, "/", "#username", problems, width, language, axe=width == 360, name="login")
    assert problems == [], "\n".join(problems)
    if language == "sw":
        # Picked on the login screen → stored with the user at login, and the app stays in it.
        page.get_by_label("Jina la mtumiaji").fill("staff")
        page.get_by_label("Nenosiri").fill("staff-pass-2026")
        page.get_by_role("button", name="Ingia").click()
        expect(page.get_by_text("Pesa ya leo")).to_be_visible()
        token = page.evaluate("JSON.parse(localStorage.getItem('tomtin.session')).token")
        me = requests.get(
            f"{stack.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert me.json()["language"] == "sw"
        # And back to English from the top bar, for this user on the server too.
        page.get_by_role("button", name="English").click()
        expect(page.get_by_text("Money today")).to_be_visible()
        expect(
            page.get_by_role("navigation", name="Screens").get_by_role("button", name="Stock")
        ).to_be_visible()
        for _ in range(50):
            me = requests.get(
                f"{stack.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            if me.json()["language"] == "en":
                break
            page.wait_for_timeout(100)
        assert me.json()["language"] == "en"
