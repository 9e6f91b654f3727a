"""From Home's "To check" card the owner settles an M-Pesa payment under review and a refund M-Pesa
never answered (in English), then links a till payment to the sale it paid for and records another
as a sale of its own (in Swahili), on a 360 px phone; each leaves the list."""

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from support.mpesa_data import unmatched_till_payment

from .conftest import refresh_until_shown, sign_in

pytestmark = pytest.mark.e2e
NARROW = {"width": 360, "height": 740}


def _post(stack, token, path, body):
    answer = requests.post(
        f"{stack.url}/api{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _mpesa_sale(stack, token, product_id, method="mpesa"):
    body = {"method": method, "lines": [{"product_id": product_id, "quantity": "2"}]}
    return _post(stack, token, "/payments/businesses/water/sales", body)


@pytest.fixture
def to_check(stack, shop, owner_token, app_for):
    """A payment under review (sale 1), a till payment of KES 100 with an open sale to pay (sale 2),
    a till payment of KES 150 that no sale will claim, and a KES 100 refund with no answer (sale 3)."""
    from payments.models import MpesaPayment, Refund, db

    doubtful, open_sale = (_mpesa_sale(stack, owner_token, shop["REFILL-20L"]) for _ in range(2))
    refunded = _mpesa_sale(stack, owner_token, shop["REFILL-20L"], method="cash")
    refund = _post(
        stack, owner_token, f"/payments/sales/{refunded['id']}/refunds", {"channel": "cash", "reason": "leak"}
    )
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
        till = unmatched_till_payment("100.00", "RKT4TILL01")
        no_sale = unmatched_till_payment("150.00", "RKT4TILL02")
        db.session.add_all([review, till, no_sale])
        # As the refund sweep leaves an M-Pesa reversal after its last unanswered status query.
        values = {"status": "needs_review", "channel": "reversal", "paid_at": None}
        db.session.execute(sa.update(Refund).where(Refund.id == refund["id"]).values(**values))
        db.session.commit()
    return {"review_sale": doubtful["id"], "open_sale": open_sale["id"], "refunded_sale": refunded["id"]}


def test_the_owner_settles_a_review_and_links_a_till_payment(
    stack, shop, to_check, logins, owner_token, browser
):
    context = browser.new_context(base_url=stack.url, viewport=NARROW)
    page = context.new_page()
    sign_in(page, logins["owner"])
    card = page.get_by_test_id("to-check-card")
    # The rows above went straight into the database; an earlier test's owner may have left the
    # gateway's one-second cache an answer of 0, which Home shows until its next poll.
    refresh_until_shown(page, card.locator(".figure", has_text=re.compile(r"^4$")), "the count of 4")
    card.click()
    review = page.locator(".check-item[data-kind='review']")
    expect(review).to_contain_text("M-Pesa did not give a clear answer for KES 100.00 from 0712 345 678")
    expect(review).to_contain_text("write its M-Pesa code and tap Paid")
    review.get_by_label("Note (what you checked)").fill("Saw the SMS on the shop phone")
    review.get_by_label("M-Pesa code (if paid)").fill("qwe123rty")
    review.get_by_role("button", name="Paid", exact=True).click()
    expect(review).to_have_count(0)
    refund = page.locator(".check-item[data-kind='refund']")
    expect(refund).to_contain_text(
        f"send KES 100.00 back to the customer for sale TT{to_check['refunded_sale']}"
    )
    refund.get_by_label("Note (what you checked)").fill("Not on the M-Pesa statement")
    refund.get_by_role("button", name="Money did not go back").click()
    expect(refund).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.get_by_role("button", name="Kiswahili").click()
    till = page.locator(".check-item[data-kind='unmatched']").filter(has_text="RKT4TILL01")
    expect(till).to_contain_text("KES 100.00 imeingia kwa till au paybill (namba ya M-Pesa RKT4TILL01")
    till.get_by_label("Namba ya mauzo").fill(str(to_check["open_sale"]))
    till.get_by_role("button", name="Unganisha na mauzo haya").click()
    expect(till).to_have_count(0)
    no_sale = page.locator(".check-item[data-kind='unmatched']")
    expect(no_sale).to_contain_text("RKT4TILL02")
    no_sale.get_by_label("Biashara", exact=True).select_option("water")
    no_sale.get_by_label("Kilichouzwa").select_option(str(shop["REFILL-20L"]))
    no_sale.get_by_label("Ngapi").fill("3")
    expect(no_sale).to_contain_text("Bidhaa hizi: KES 150.00 (malipo ni KES 150.00)")
    no_sale.get_by_role("button", name="Andika kama mauzo").click()
    expect(page.locator(".check-item")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.goto("/#/history")  # every decision is in the owner's changes
    entries = page.locator(".audit-entry")
    expect(entries.filter(has_text="Malipo ya till yameunganishwa: RKT4TILL01")).to_have_count(1)
    expect(entries.filter(has_text="Malipo ya M-Pesa yameamuliwa")).to_contain_text("QWE123RTY")
    expect(entries.filter(has_text="Malipo ya till yameandikwa kama mauzo: RKT4TILL02")).to_contain_text(
        "KES 150.00"
    )
    expect(entries.filter(has_text="Kurudisha pesa kwa M-Pesa kumeamuliwa")).to_have_count(1)
    context.close()

    headers = {"Authorization": f"Bearer {owner_token}", "Cache-Control": "no-cache"}
    for sale_id in (to_check["review_sale"], to_check["open_sale"]):
        sale = requests.get(f"{stack.url}/api/payments/sales/{sale_id}", headers=headers, timeout=10).json()
        assert sale["status"] == "paid", sale
    listed = requests.get(
        f"{stack.url}/api/payments/businesses/water/sales", headers=headers, timeout=10
    ).json()
    recorded = next(s for s in listed["items"] if s["payment"] and s["payment"]["receipt"] == "RKT4TILL02")
    assert (recorded["method"], recorded["status"], recorded["total"]) == ("mpesa", "paid", "150.00")
