"""The owner adds a product and changes its price from the phone; the next sale uses the new
price, and the old one stays in the price history; a product's stock history is one tap away. A 360 px phone, English then Swahili.
The owner also reprices a refill, and a staff member's next sale on their own phone uses it."""

import pytest
from playwright.sync_api import expect

from .conftest import pick_business, sell_cash, server_sales, sign_in

pytestmark = pytest.mark.e2e
NARROW = {"width": 360, "height": 740}


def test_the_owner_adds_a_product_changes_its_price_and_the_next_sale_uses_it(
    stack, shop, logins, owner_token, browser
):
    context = browser.new_context(base_url=stack.url, viewport=NARROW)
    page = context.new_page()
    sign_in(page, logins["owner"])
    page.get_by_role("link", name="Businesses and staff").click()
    page.get_by_role("navigation", name="Businesses and staff").get_by_role("button", name="Products").click()
    pick_business(page, "Shop")
    page.get_by_label("Name", exact=True).fill("Chapati")
    page.get_by_label("Price (KES)", exact=True).fill("30.005")
    expect(page.get_by_text("at most two numbers after the point")).to_be_visible()
    expect(page.get_by_role("button", name="Add product")).to_be_disabled()
    page.get_by_label("Price (KES)", exact=True).fill("30")
    page.get_by_label("Count its stock").uncheck()
    page.get_by_role("button", name="Add product").click()
    chapati = page.locator(".product-item").filter(has=page.get_by_role("heading", name="Chapati"))
    expect(chapati.locator(".figure")).to_have_text("KES 30.00")

    chapati.get_by_label("New price (KES)").fill("35")
    chapati.get_by_role("button", name="Change price").click()
    expect(chapati.locator(".figure")).to_have_text("KES 35.00")
    chapati.get_by_role("button", name="Earlier prices").click()
    expect(chapati.locator(".price-history li")).to_have_count(2)
    sugar = page.locator(".product-item").filter(has=page.get_by_role("heading", name="Sugar 1 kg"))
    sugar.get_by_role("button", name="Stock history").click()  # the product's ledger: when, what, who, why
    expect(sugar.locator(".ledger li")).to_contain_text(["Came in 40"])
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    pick_business(page, "Water")  # a price staff sell at too
    refill = page.locator(".product-item").filter(has=page.get_by_role("heading", name="Refill 20 litres"))
    refill.get_by_label("New price (KES)").fill("60")
    refill.get_by_role("button", name="Change price").click()
    expect(refill.locator(".figure")).to_have_text("KES 60.00")
    pick_business(page, "Shop")  # back to the shop, where the owner sells next

    page.get_by_role("button", name="Kiswahili").click()
    expect(page.get_by_role("heading", name="Bidhaa na bei")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.get_by_role("button", name="English").click()

    sell_cash(page, "Chapati")
    expect(page.get_by_role("status").filter(has_text="The sale is recorded")).to_be_visible()
    context.close()
    assert [s["total"] for s in server_sales(stack, "retail", owner_token)] == ["35.00"]

    # A staff member's next refill, on their own phone, is at the new price.
    staff_phone = browser.new_context(base_url=stack.url, viewport=NARROW)
    page = staff_phone.new_page()
    sign_in(page, logins["staff"])
    sell_cash(page, "Refill 20 litres")
    expect(page.get_by_role("status").filter(has_text="The sale is recorded")).to_be_visible()
    staff_phone.close()
    [sale] = server_sales(stack, "water", owner_token)
    assert (sale["total"], sale["created_by"]) == ("60.00", logins["staff"]["user"]["id"])
