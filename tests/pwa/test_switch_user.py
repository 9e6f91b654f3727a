"""A shared phone at the counter: the person on it hands over to a colleague by PIN, and the
sale made next is recorded under the colleague. A wrong PIN changes nothing. 360 px phone."""

import time

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import pick_business, sell_cash, sign_in

pytestmark = pytest.mark.e2e
NARROW = {"width": 360, "height": 740}


def test_staff_hand_the_phone_to_the_owner_by_pin_and_the_sale_is_the_owners(
    stack, logins, owner_token, browser, app_for
):
    pin = requests.put(
        f"{stack.url}/api/auth/me/pin",
        json={"password": "owner-pass-2026", "pin": "2468"},
        headers={"Authorization": f"Bearer {owner_token}"},
        timeout=10,
    )
    assert pin.status_code == 204, pin.text
    context = browser.new_context(base_url=stack.url, viewport=NARROW)
    page = context.new_page()
    sign_in(page, logins["staff"])
    page.get_by_role("link", name="Change person").click()
    page.get_by_label("Password").fill("staff-pass-2026")
    page.get_by_label("New PIN (4 to 6 numbers)").fill("1357")
    page.get_by_role("button", name="Save my PIN").click()
    expect(page.get_by_text("Your PIN is saved.")).to_be_visible()

    page.get_by_label("Username").fill("owner")
    page.get_by_label("PIN (4 to 6 numbers)", exact=True).fill("9999")
    page.get_by_role("button", name="Change person").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong name or PIN.")
    expect(page.locator(".top-bar .who")).to_have_text("Otieno")  # still the same person
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.get_by_label("PIN (4 to 6 numbers)", exact=True).fill("2468")
    page.get_by_role("button", name="Change person").click()
    expect(page.locator(".top-bar .who")).to_have_text("Wanjiku")
    pick_business(page, "Water")
    sell_cash(page, "Refill 20 litres")
    expect(page.get_by_role("status").filter(has_text="The sale is recorded")).to_be_visible()
    context.close()

    from payments.models import Sale, db

    # The outbox sends the sale at once; allow it a few seconds to arrive.
    deadline = time.monotonic() + 10
    sellers = []
    while not sellers and time.monotonic() < deadline:
        with app_for("payments").app_context():
            sellers = db.session.execute(sa.select(Sale.created_by)).scalars().all()
        time.sleep(0.2)
    assert sellers == [logins["owner"]["user"]["id"]]
