"""From "To check" the owner settles an M-Pesa payment under review (in English) and links a till
payment to the sale it paid for (in Swahili), on a 360 px phone; each leaves the list."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import requests
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e
NARROW = {"width": 360, "height": 740}


def _mpesa_sale(stack, token, product_id):
    answer = requests.post(
        f"{stack.url}/api/payments/businesses/water/sales",
        json={"method": "mpesa", "lines": [{"product_id": product_id, "quantity": "2"}]},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture
def to_check(stack, shop, owner_token, app_for):
    """A payment under review (sale 1) and a till payment of KES 100 with an open sale to pay (sale 2)."""
    from payments.models import MpesaPayment, db

    doubtful, open_sale = (_mpesa_sale(stack, owner_token, shop["REFILL-20L"]) for _ in range(2))
    with app_for("payments").app_context():
        review = MpesaPayment(
            sale_id=doubtful["id"],
            business="water",
            kind="stk",
            status="needs_review",
            amount=Decimal("100.00"),
            phone="254712345678",
            review_reason="No answer from M-Pesa after 4 checks",
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
        )
        till = MpesaPayment(
            kind="c2b",
            status="unmatched",
            amount=Decimal("100.00"),
            receipt="RKT4TILL01",
            account_reference="x",
        )
        db.session.add_all([review, till])
        db.session.commit()
    return {"review_sale": doubtful["id"], "open_sale": open_sale["id"]}


def test_the_owner_settles_a_review_and_links_a_till_payment(stack, to_check, logins, owner_token, browser):
    context = browser.new_context(base_url=stack.url, viewport=NARROW)
    page = context.new_page()
    sign_in(page, logins["owner"])
    page.get_by_role("link", name="To check").click()
    review = page.locator(".check-item[data-kind='review']")
    expect(review).to_contain_text("M-Pesa did not give a clear answer for KES 100.00 from 0712 345 678")
    expect(review).to_contain_text("write its M-Pesa code and tap Paid")
    review.get_by_label("Note (what you checked)").fill("Saw the SMS on the shop phone")
    review.get_by_label("M-Pesa code (if paid)").fill("qwe123rty")
    review.get_by_role("button", name="Paid", exact=True).click()
    expect(review).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.get_by_role("button", name="Kiswahili").click()
    till = page.locator(".check-item[data-kind='unmatched']")
    expect(till).to_contain_text("KES 100.00 imeingia kwa till au paybill (namba ya M-Pesa RKT4TILL01")
    till.get_by_label("Namba ya mauzo").fill(str(to_check["open_sale"]))
    till.get_by_role("button", name="Unganisha na mauzo haya").click()
    expect(till).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.goto("/#/history")  # both decisions are in the owner's changes
    entries = page.locator(".audit-entry")
    expect(entries.filter(has_text="Malipo ya till yameunganishwa: RKT4TILL01")).to_have_count(1)
    expect(entries.filter(has_text="Malipo ya M-Pesa yameamuliwa")).to_contain_text("QWE123RTY")
    context.close()

    headers = {"Authorization": f"Bearer {owner_token}", "Cache-Control": "no-cache"}
    for sale_id in (to_check["review_sale"], to_check["open_sale"]):
        sale = requests.get(f"{stack.url}/api/payments/sales/{sale_id}", headers=headers, timeout=10).json()
        assert sale["status"] == "paid", sale
