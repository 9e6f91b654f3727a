"""Stock, laundry board and reports screens against the running services."""

import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from .conftest import pick_business, sign_in

pytestmark = pytest.mark.e2e


def nav(page, name):
    page.get_by_role("navigation", name="Screens").get_by_role("button", name=name).click()


def record_cash_sale(stack, token, business, product_id, quantity="1"):
    response = requests.post(
        f"{stack.url}/api/payments/businesses/{business}/sales",
        json={"method": "cash", "lines": [{"product_id": product_id, "quantity": quantity}]},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def stock_card(page, name):
    return page.locator("section.stock-item").filter(has=page.get_by_role("heading", name=name))


def test_stock_shows_low_items_and_the_owner_receives_adjusts_takes_returns_and_writes_off(
    stack, shop, logins, page
):
    sign_in(page, logins["owner"])
    pick_business(page, "Shop")
    nav(page, "Stock")
    expect(page.get_by_role("status").filter(has_text="Running low: Milk 500 ml")).to_be_visible()

    sugar = stock_card(page, "Sugar 1 kg")
    sugar.get_by_role("button", name="Stock came in").click()
    sugar.get_by_label("How many came in? (pieces)").fill("5")
    sugar.get_by_role("button", name="Save").click()
    expect(sugar.locator(".figure")).to_have_text("45 pieces")

    milk = stock_card(page, "Milk 500 ml")
    milk.get_by_role("button", name="Correct the count").click()
    milk.get_by_label("Add or remove how many?").fill("-1")
    milk.get_by_label("Why?").fill("Broken packet")
    milk.get_by_role("button", name="Save").click()
    expect(milk.locator(".figure")).to_have_text("5 pieces")

    # A customer brings two back unopened; three bags of sugar were spoilt by rain: each with why.
    milk.get_by_role("button", name="Goods came back").click()
    milk.get_by_label("How many came back? (pieces)").fill("2")
    save = milk.get_by_role("button", name="Save")
    expect(save).to_be_disabled()  # not without a reason
    milk.get_by_label("Why?").fill("Returned unopened")
    save.click()
    expect(milk.locator(".figure")).to_have_text("7 pieces")
    sugar.get_by_role("button", name="Write off (lost or spoilt)").click()
    sugar.get_by_label("How many are lost or spoilt? (pieces)").fill("3")
    sugar.get_by_label("Why?").fill("Rained on")
    sugar.get_by_role("button", name="Save").click()
    expect(sugar.locator(".figure")).to_have_text("42 pieces")
    ledger = requests.get(
        f"{stack.url}/api/inventory/businesses/retail/movements",
        headers={"Authorization": f"Bearer {logins['owner']['token']}", "Cache-Control": "no-cache"},
        timeout=10,
    ).json()["items"]
    assert {
        (m["kind"], m["quantity"], m["reason"]) for m in ledger if m["kind"] in ("return", "write_off")
    } == {
        ("return", "2.000", "Returned unopened"),
        ("write_off", "-3.000", "Rained on"),
    }


def test_low_stock_on_home_opens_what_is_low_across_businesses(stack, shop, logins, page):
    sign_in(page, logins["owner"])
    pick_business(page, "All")
    link = page.get_by_role("link", name="See what is low")
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 200  # a thumb-sized target, not a word
    link.click()
    expect(page.get_by_role("heading", name="Running low", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()
    expect(stock_card(page, "Milk 500 ml")).to_be_visible()
    expect(stock_card(page, "Sugar 1 kg")).to_have_count(0)  # not low
    expect(stock_card(page, "Refill 20 litres")).to_have_count(0)


def test_laundry_board_advances_an_order_with_one_tap(stack, shop, logins, owner_token, page):
    sale = record_cash_sale(stack, owner_token, "laundry", shop["WASH-KG"], "3")
    sign_in(page, logins["staff"])
    nav(page, "Laundry")
    received = page.locator('[data-status="received"]')
    # The board names an order by the ticket number the customer holds.
    expect(received).to_contain_text(f"Ticket {sale['ticket']}")
    received.get_by_role("button", name="Washing").click()
    expect(page.locator('[data-status="washing"]')).to_contain_text(f"Ticket {sale['ticket']}")
    answer = requests.get(
        f"{stack.url}/api/payments/sales/{sale['id']}",
        headers={"Authorization": f"Bearer {owner_token}"},
        timeout=10,
    )
    assert answer.json()["order_status"] == "washing"


def test_reports_show_a_chart_and_a_table_and_download_csv(stack, shop, logins, owner_token, page):
    record_cash_sale(stack, owner_token, "water", shop["REFILL-20L"], "2")
    sign_in(page, logins["owner"])
    nav(page, "Reports")
    row = page.locator(".report-row").last
    expect(row).to_contain_text("Money in")
    expect(row).to_contain_text("KES 100.00")
    expect(page.get_by_role("figure", name="Money by day")).to_contain_text("KES 100.00")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download for Excel").click()
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("day,revenue")
    assert "100.00" in text
