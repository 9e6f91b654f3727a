"""M-Pesa sales against the Daraja simulator: the outcome is chosen by the phone's last digits."""

import time

import pytest
import requests
from playwright.sync_api import expect

from .conftest import pick_business, server_sales, sign_in

pytestmark = pytest.mark.e2e


def sim_pushes(stack) -> list[dict]:
    return requests.get(f"http://127.0.0.1:{stack.port('daraja_sim')}/simulator/pushes", timeout=5).json()[
        "pushes"
    ]


@pytest.fixture(autouse=True)
def fresh_simulator(stack):
    """The simulator lives for the whole session: forget earlier tests' pushes."""
    requests.post(
        f"http://127.0.0.1:{stack.port('daraja_sim')}/simulator/reset", timeout=5
    ).raise_for_status()


def start_mpesa_sale(page, phone: str) -> None:
    pick_business(page, "Water")
    page.get_by_role("navigation", name="Screens").get_by_role("button", name="Sell").click()
    page.locator(".tiles.all").get_by_role("button", name="Refill 20 litres").click()
    page.get_by_role("button", name="M-Pesa").click()
    page.get_by_label("Customer's M-Pesa number").fill(phone)
    page.get_by_role("button", name="Send M-Pesa request").click()
    expect(page.locator("main.mpesa")).to_be_visible()


def test_success_turns_paid_within_3_s_of_the_callback(stack, logins, owner_token, page):
    sign_in(page, logins["owner"])
    start_mpesa_sale(page, "0712 345 678")
    paid = page.locator('main.mpesa[data-state="paid"]')
    callback_at = None
    deadline = time.monotonic() + 15
    while paid.count() == 0:
        assert time.monotonic() < deadline, "never turned PAID"
        if callback_at is None and any(p["deliveries"] for p in sim_pushes(stack)):
            callback_at = time.monotonic()
        page.wait_for_timeout(100)
    shown_at = time.monotonic()
    assert callback_at is not None, "PAID shown before the simulator delivered its callback"
    assert shown_at - callback_at <= 3.0
    expect(page.locator(".status-word")).to_have_text("PAID")
    expect(page.get_by_text("M-Pesa code")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("from 0712 345 678")
    [sale] = server_sales(stack, "water", owner_token)
    assert (sale["method"], sale["status"], sale["total"]) == ("mpesa", "paid", "50.00")


def test_cancelled_shows_the_reason_and_a_resend_never_makes_a_second_sale(stack, logins, owner_token, page):
    sign_in(page, logins["owner"])
    start_mpesa_sale(page, "0712 345 032")
    failed = page.locator('main.mpesa[data-state="failed"]')
    expect(failed).to_be_visible(timeout=15_000)
    expect(page.locator(".status-word")).to_have_text("NOT PAID")
    expect(page.get_by_text("The customer cancelled the request.")).to_be_visible()

    # The same number again (shown as the customer says it): cancelled again, still one sale.
    expect(page.get_by_label("Send the request to this number")).to_have_value("0712 345 032")
    page.get_by_role("button", name="Send the request again").click()
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    expect(failed).to_be_visible(timeout=15_000)
    assert len(sim_pushes(stack)) == 2
    sales = server_sales(stack, "water", owner_token)
    assert [(s["method"], s["status"]) for s in sales] == [("mpesa", "failed")]

    # Another number (a relative pays): that push succeeds, and it is still the same one sale.
    page.get_by_label("Send the request to this number").fill("0712 345 678")
    page.get_by_role("button", name="Send the request again").click()
    expect(page.locator('main.mpesa[data-state="paid"]')).to_be_visible(timeout=15_000)
    assert [p["phone"] for p in sim_pushes(stack)][-1].endswith("712345678")
    sales = server_sales(stack, "water", owner_token)
    assert [(s["method"], s["status"]) for s in sales] == [("mpesa", "paid")]


def test_no_callback_says_check_later_then_the_sweep_settles_it(stack, logins, page):
    page.clock.install()
    sign_in(page, logins["owner"])
    start_mpesa_sale(page, "0712 345 900")
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    page.clock.fast_forward(30_000)
    page.reload()  # the wait is kept across a reload: 31 s more is past the 60 s
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    page.clock.fast_forward(31_000)  # the customer has stopped looking at the prompt
    expect(page.get_by_text("Check later", exact=True)).to_be_visible()
    expect(page.get_by_text("Do not ask the customer to pay again.")).to_be_visible()
    # No callback ever comes: the reconciliation sweep's STK query settles it.
    expect(page.locator('main.mpesa[data-state="paid"]')).to_be_visible(timeout=30_000)
    assert [p["deliveries"] for p in sim_pushes(stack)] == [[]]
