"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test, users
and products made through the services, and helpers that act like a person on a phone."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from common.auth import Principal
from support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE
from support.products import product_with_stock

OWNER = ("owner", "owner-pass-2026")
STAFF = ("staff", "staff-pass-2026")
# Whole shillings, so the same products serve M-Pesa sales.
PRODUCTS = {
    "water": [("REFILL-20L", "Refill 20 litres", "refill", "50", False, "0", "0")],
    "laundry": [("WASH-KG", "Wash and fold", "kg", "120", False, "0", "0")],
    "retail": [
        ("SUGAR-1KG", "Sugar 1 kg", "piece", "180", True, "40", "10"),
        ("MILK-500ML", "Milk 500 ml", "piece", "60", True, "6", "10"),
    ],
}
_SYSTEM = Principal(
    0, "tests", "owner", ("water", "laundry", "retail"), "t", dt.datetime.max.replace(tzinfo=dt.UTC)
)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, stack):
    ctx = browser.new_context(base_url=stack.url, viewport=PHONE, service_workers="allow")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def shop(stack, app_for):
    """The demo users and a few products, made through the services' own functions."""
    from accounts.services import create_user

    with app_for("accounts").app_context():
        create_user(*OWNER, "owner", ["water", "laundry", "retail"], display_name="Wanjiku")
        create_user(*STAFF, "staff", ["water", "laundry"], display_name="Otieno")
    return {
        sku: product_with_stock(
            business, name, price, level, sku=sku, unit=unit, tracked=tracked, reorder=reorder, actor=_SYSTEM
        ).id
        for business, rows in PRODUCTS.items()
        for sku, name, unit, price, tracked, level, reorder in rows
    }


@pytest.fixture
def logins(shop, app_for) -> dict[str, dict]:
    """What POST /api/auth/login answers, made by accounts' own function: the gateway allows a
    client address only a few logins a minute, and the whole suite shares one gateway."""
    from accounts import services
    from accounts.schemas import TokenSchema

    app = app_for("accounts")
    settings = app.extensions["tomtin"]["settings"]
    with app.app_context():
        return {
            user[0]: TokenSchema().dump(
                services.login(*user, settings.secret_key, settings.token_ttl_seconds)
            )
            for user in (OWNER, STAFF)
        }


@pytest.fixture
def owner_token(logins) -> str:
    return logins["owner"]["token"]


def server_sales(stack, business: str, token: str) -> list[dict]:
    """The sales the server has, asked directly (not through the browser)."""
    response = requests.get(
        f"{stack.url}/api/payments/businesses/{business}/sales",
        headers={"Authorization": f"Bearer {token}", "Cache-Control": "no-cache"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["items"]


def sign_in(page: Page, login: dict) -> None:
    """Start the app already signed in (as the login screen would leave it)."""
    page.goto("/")
    session = {"token": login["token"], "expiresAt": login["expires_at"], "user": login["user"]}
    page.evaluate("(s) => localStorage.setItem('tomtin.session', JSON.stringify(s))", session)
    page.reload()
    expect(page.locator("main.home")).to_be_visible()


def log_in(page: Page, user=OWNER) -> None:
    """Log in through the login screen (and the gateway's rate-limited login)."""
    page.goto("/")
    page.get_by_label("Username").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Money today")).to_be_visible()


def wait_for_service_worker(page: Page) -> None:
    """The worker is active and controls the page (so a reload is served from its precache)."""
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active !== null)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def pick_business(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Business").get_by_role("button", name=name).click()


def sell_cash(page: Page, product: str) -> None:
    """The common sale: Sell → product → Cash → Confirm (four taps)."""
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Sell").click()
    page.locator(".tiles.all").get_by_role("button", name=product).click()
    page.get_by_role("button", name="Cash").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status").filter(has_text="Cash")).to_be_visible()


def refresh_until_shown(page: Page, locator, what: str, timeout: float = 15) -> None:
    """Tap the screen's Refresh until `locator` shows: a change made elsewhere reaches a screen at
    its next poll, and the gateway may first answer from its one-second cache."""
    deadline = time.monotonic() + timeout
    while locator.count() == 0:
        assert time.monotonic() < deadline, f"{what} never showed"
        page.locator(".screen-foot button").first.click()
        page.wait_for_timeout(500)
