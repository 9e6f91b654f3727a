"""Find yesterday's sale and read its detail, on a 360 px phone: the owner in Swahili, a staff member
in English. Yesterday's sale was recorded by the staff member on their phone (its id is shown)."""

import datetime as dt
import uuid

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from common.timeutil import business_day

from .test_layout import use_language

pytestmark = pytest.mark.e2e
PHONE_ID = "phone-otn4k2"
WORDS = {
    "sw": {
        "yesterday": "Jana",
        "who": "Aliyeuza",
        "how": "Amelipa kwa",
        "cash": "Taslimu",
        "by": "Aliyeandika",
    },
    "en": {
        "yesterday": "Yesterday",
        "who": "Who sold",
        "how": "Paid by",
        "cash": "Cash",
        "by": "Recorded by",
    },
}


def _sale(stack, token: str, product: int, quantity: str, **extra) -> dict:
    body = {"method": "cash", "lines": [{"product_id": product, "quantity": quantity}], **extra}
    response = requests.post(
        f"{stack.url}/api/payments/businesses/water/sales",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("who", "language"), [("owner", "sw"), ("staff", "en")])
def test_find_yesterdays_sale_and_read_its_detail(stack, shop, logins, app_for, page, who, language):
    from payments.models import Sale, db

    page.set_viewport_size({"width": 360, "height": 780})
    refill = shop["REFILL-20L"]
    staff = logins["staff"]
    yesterdays = _sale(stack, staff["token"], refill, "3", device=PHONE_ID)
    _sale(stack, staff["token"], refill, "1")  # today's, by the same person: not yesterday's
    _sale(stack, logins["owner"]["token"], refill, "3")  # today's, the same amount
    with app_for("payments").app_context():  # recorded yesterday at noon, Nairobi time
        noon = dt.datetime.combine(business_day() - dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
        db.session.execute(sa.update(Sale).where(Sale.id == yesterdays["id"]).values(created_at=noon))
        db.session.commit()

    words = WORDS[language]
    use_language(page, stack, logins[who], language)
    # What needs checking is the owner's: staff have no "To check" card.
    expect(page.get_by_test_id("to-check-card")).to_have_count(1 if who == "owner" else 0)
    page.locator('a[href="#/sales"]').click()
    page.locator(".sales-filter").get_by_role("button", name=words["yesterday"]).click()
    page.get_by_label(words["who"]).select_option(label=staff["user"]["display_name"])
    page.get_by_label(words["how"]).select_option(label=words["cash"])
    listed = page.locator("main.sales a.order")
    expect(listed).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    listed.click()

    detail = page.get_by_test_id("sale-provenance")
    expect(detail.locator("dt").first).to_have_text(words["by"])
    expect(detail.locator("dd").first).to_have_text(staff["user"]["display_name"])
    expect(detail).to_contain_text(PHONE_ID)
    expect(page.locator("main.sale-detail h1")).to_contain_text(f"TT{yesterdays['id']}")
    expect(page.locator("main.sale-detail")).to_contain_text("KES 150.00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
