"""On a 360 px phone, in both languages: take a laundry order for a new customer (a deposit now,
the rest at collection), mark it ready (the text reaches the SMS simulator), collect it unpaid
(the rest is the customer's debt), take part of it by M-Pesa, and share the order's receipt."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from payments.receipt_words import WORDS
from support.sms import sim_messages

from .conftest import sign_in

pytestmark = pytest.mark.e2e
PHONES = {"sw": ("0722 333 411", "254722333411"), "en": ("0722 333 412", "254722333412")}


def _texts_to(stack, number: str, ticket: str, tries: int = 100) -> list[dict]:
    url = f"http://127.0.0.1:{stack.port('sms_sim')}"
    for _ in range(tries):
        found = [m for m in sim_messages(url, number) if ticket in m["text"]]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no text to {number} about ticket {ticket}: {sim_messages(url, number)}")


@pytest.mark.parametrize("language", ["sw", "en"])
def test_a_laundry_order_from_drop_off_to_debt_paid_in_part_and_its_receipt(
    stack, shop, logins, page, language
):
    typed, number = PHONES[language]
    owner = logins["owner"]
    headers = {"Authorization": f"Bearer {owner['token']}"}
    requests.put(
        f"{stack.url}/api/auth/me/language", json={"language": language}, headers=headers, timeout=10
    )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, {**owner, "user": {**owner["user"], "language": language}})
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.evaluate("() => { location.hash = '/laundry' }")

    # Drop-off: a new customer added in the order form, 2.5 kg at KES 120, KES 100 down.
    page.locator("main.laundry > button.primary").click()
    page.locator("#customer-find").fill(typed)
    expect(page.locator("#new-customer-phone")).to_have_value(typed)
    page.locator("#new-customer-name").fill("Mama Wanjiru")
    page.locator(".new-customer button").click()
    expect(page.get_by_test_id("picked-customer")).to_contain_text("Mama Wanjiru")
    page.locator("#order-service").select_option(str(shop["WASH-KG"]))
    page.locator("#order-quantity").fill("2.5")
    page.locator("#order-items").fill("3 shirts, 1 duvet")
    page.locator("#order-deposit").fill("100")
    page.locator("form.new-order button[type=submit]").click()
    order = page.locator("section[data-status=received] .order").filter(has_text="Mama Wanjiru")
    expect(order).to_contain_text("3 shirts, 1 duvet")
    ticket = order.get_attribute("data-ticket")
    detail = order.locator("a.order-facts").get_attribute("href")

    # One tap a step; "ready" texts the customer.
    for status in ("washing", "drying", "ready"):
        page.locator(f".order[data-ticket='{ticket}'] button.secondary").click()
        expect(page.locator(f"section[data-status={status}] .order[data-ticket='{ticket}']")).to_be_visible()
    [text] = _texts_to(stack, number, ticket)
    assert ticket in text["text"]

    # Collected without paying the rest: KES 300 - 100 is now owed.
    page.locator(f".order[data-ticket='{ticket}'] button.secondary").click()
    expect(page.locator(f".order[data-ticket='{ticket}']")).to_have_count(0)
    page.evaluate("() => { location.hash = '/customers' }")
    page.locator("[data-customer]").filter(has_text="Mama Wanjiru").click()
    balance = page.get_by_test_id("balance")
    expect(balance).to_have_text(re.compile(r"200\.00"))
    page.locator("#debt-amount").fill("50")
    page.locator("main.customer .row button.secondary").click()  # a prompt on the customer's phone
    expect(balance).to_have_text(re.compile(r"150\.00"), timeout=20_000)

    # The order's receipt: shared on WhatsApp with its link, texted, and opened without a login.
    page.evaluate(f"() => {{ location.hash = '{detail.lstrip('#')}' }}")
    receipt = page.get_by_test_id("receipt")
    # In the customer's language (new customers start in English): the seller switches it here.
    receipt.get_by_role("group").get_by_role("button").nth(["sw", "en"].index(language)).click()
    whatsapp = receipt.get_by_test_id("whatsapp")
    expect(whatsapp).to_have_attribute("href", re.compile(rf"^https://wa\.me/{number}\?text=.*%2Fr%2F"))
    receipt.locator("button.button.secondary").click()
    expect(receipt.get_by_role("status")).to_be_visible()
    assert _texts_to(stack, number, f"?lang={language}")  # the texted receipt, in their language
    link = requests.utils.unquote(whatsapp.get_attribute("href")).split(" ")[-1]
    assert link.endswith(f"?lang={language}")
    customer_page = page.context.new_page()
    customer_page.goto(link.replace(stack.url, ""))
    expect(customer_page.locator("main")).to_contain_text(f"{WORDS[language]['ticket']} {ticket}")
    expect(customer_page.locator("html")).to_have_attribute("lang", language)
