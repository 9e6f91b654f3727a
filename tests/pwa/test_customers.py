"""On a 360 px phone: sell on account to a customer added at the till, then take a part payment."""

import re

import pytest
import requests
from playwright.sync_api import expect

from .conftest import pick_business, sign_in

pytestmark = pytest.mark.e2e


def test_sell_on_account_to_a_new_customer_then_take_a_part_payment(stack, logins, owner_token, page):
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, logins["owner"])
    pick_business(page, "Water")
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Sell").click()
    page.locator(".tiles.all").get_by_role("button", name="Refill 20 litres").click()
    page.get_by_role("button", name="On account").click()
    # Nobody has this number yet: the new-customer form keeps what was typed.
    page.get_by_label("Find the customer").fill("0712 555 666")
    expect(page.get_by_label("Phone number")).to_have_value("0712 555 666")
    page.get_by_label("Name", exact=True).fill("Mama Njeri")
    page.get_by_label("How much this customer may owe").fill("500")
    page.get_by_role("button", name="Add and choose").click()
    expect(page.get_by_test_id("picked-customer")).to_contain_text("Mama Njeri")
    page.get_by_role("button", name=re.compile(r"Put KES\s50\.00 on account")).click()
    expect(page.get_by_role("status").filter(has_text="On account for Mama Njeri")).to_be_visible()

    page.evaluate("() => { location.hash = '/customers' }")
    page.locator("[data-customer]").filter(has_text="Mama Njeri").click()
    balance = page.get_by_test_id("balance")
    expect(balance).to_have_text(re.compile(r"Owes KES\s50\.00"))
    page.get_by_label("Amount").fill("20")
    page.get_by_role("button", name="Paid in cash").click()
    expect(balance).to_have_text(re.compile(r"Owes KES\s30\.00"))
    expect(page.get_by_test_id("statement").locator("[data-kind]")).to_have_count(2)

    headers = {"Authorization": f"Bearer {owner_token}"}
    [customer] = requests.get(f"{stack.url}/api/payments/customers?q=njeri", headers=headers, timeout=10).json()[
        "items"
    ]
    assert (customer["phone"], customer["balance"], customer["credit_limit"]) == ("254712555666", "30.00", "500.00")
