"""Logout clears what the phone kept for that user: the next user sees none of it."""

import pytest
from playwright.sync_api import expect

from .conftest import STAFF, log_in, pick_business, sell_cash, sign_in, wait_for_service_worker

pytestmark = pytest.mark.e2e

CACHED_API_URLS = """async () => {
  const urls = []
  for (const name of await caches.keys()) {
    if (!name.startsWith('tomtin-api-')) continue
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
  }
  return urls
}"""
DATABASES = "indexedDB.databases().then((all) => all.map((d) => d.name))"
STORED_KEYS = "Object.keys(localStorage)"
USER_ID = "JSON.parse(localStorage.getItem('tomtin.session')).user.id"


def test_logout_clears_cached_data_and_the_next_user_sees_none_of_it(stack, logins, page):
    sign_in(page, logins["owner"])
    wait_for_service_worker(page)
    pick_business(page, "Shop")
    sell_cash(page, "Sugar 1 kg")
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Stock").click()
    expect(page.get_by_role("heading", name="Sugar 1 kg")).to_be_visible()
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Reports").click()
    expect(page.locator(".report-row").first).to_be_visible()
    page.wait_for_function(f"({CACHED_API_URLS})().then((urls) => urls.some((u) => u.includes('/retail/')))")
    owner_db = "tomtin-user-" + str(page.evaluate(USER_ID))
    assert owner_db in page.evaluate(DATABASES)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Yes, log out").click()
    expect(page.get_by_label("Username")).to_be_visible()

    assert page.evaluate(CACHED_API_URLS) == []
    assert owner_db not in page.evaluate(DATABASES)
    assert [k for k in page.evaluate(STORED_KEYS) if k.startswith(("tomtin.session", "tomtin.recent"))] == []

    log_in(page, STAFF)
    expect(page.get_by_role("button", name="Shop")).to_have_count(0)
    expect(page.get_by_role("button", name="Reports")).to_have_count(0)
    cached = page.evaluate(CACHED_API_URLS)
    assert not [u for u in cached if "/retail/" in u or "/businesses/all/" in u], cached
    assert owner_db not in page.evaluate(DATABASES)
