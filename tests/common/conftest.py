"""Fixtures of the API contract tests: one row of each kind a path can name, and the people."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from accounts.models import Business, User
from accounts.models import db as accounts_db
from payments.message_models import Message
from payments.models import Customer, ExpenseCategory, MpesaPayment, Sale, SaleLine, Shift
from payments.models import db as payments_db
from support.businesses import BUSINESSES
from support.products import product_with_stock

C2B_RECEIPT = "RKTMATRIX1"


@pytest.fixture
def rows(app_for) -> dict[str, int]:
    """Ids of: an owner, water staff, laundry staff, a water product, a paid water sale (the staff's), a payment
    under review on it, an expense category, the water staff's open shift, and (receipt
    C2B_RECEIPT) an unmatched C2B payment."""
    with app_for("accounts").app_context():
        # Straight into the table: nobody logs in as them, so no password hashing to wait for.
        people = {
            "owner": User(username="boss", role="owner", businesses=_businesses(BUSINESSES)),
            "staff": User(username="amina", role="staff", businesses=_businesses(["water"])),
            "other_business_staff": User(
                username="baraka", role="staff", businesses=_businesses(["laundry"])
            ),
        }
        for person in people.values():
            person.display_name, person.password_hash = person.username.title(), "not-a-hash"
        accounts_db.session.add_all(people.values())
        accounts_db.session.commit()
        users = {caller: person.id for caller, person in people.items()}
    product_id = product_with_stock("water", "Refill", "50.00", sku="W1", unit="l", tracked=False).id
    with app_for("payments").app_context():
        now = dt.datetime.now(dt.UTC)
        sale = Sale(
            idempotency_key=uuid.uuid4(),
            business="water",
            method="cash",
            status="paid",
            total=Decimal("50.00"),
            paid_at=now,
            created_by=users["staff"],  # staff may void their own sale: the matrix shows they can
        )
        sale.lines.append(
            SaleLine(
                product_id=product_id,
                name="Refill",
                quantity=Decimal("1"),
                unit_price=Decimal("50.00"),
                line_total=Decimal("50.00"),
            )
        )
        review = MpesaPayment(
            sale=sale,
            business="water",
            kind="stk",
            status="needs_review",
            amount=Decimal("50.00"),
            review_reason="seeded",
        )
        unmatched = MpesaPayment(
            kind="c2b",
            status="unmatched",
            amount=Decimal("50.00"),
            receipt=C2B_RECEIPT,
            account_reference="x",
        )
        category = ExpenseCategory(name="Transport")
        shift = Shift(business="water", opened_by=users["staff"], opened_by_name="amina", float=Decimal("0"))
        customer = Customer(phone="254712000001", name="Mama Matrix", credit_limit=Decimal("1000.00"))
        message = Message(
            business="water",
            kind="laundry_ready",
            phone="254712345403",
            language="en",
            body="Water Refills: your laundry (ticket 1) is ready for collection.",
            parts=1,
            key="matrix-failed",
            status="failed",
            failure_reason="invalid_number",
        )
        payments_db.session.add_all([sale, review, unmatched, category, shift, customer, message])
        payments_db.session.commit()
        return {
            "product": product_id,
            "sale": sale.id,
            "payment": review.id,
            "category": category.id,
            "shift": shift.id,
            "receipt": sale.receipt_token,
            "customer": customer.id,
            "message": message.id,  # a text message that failed (the owner may send it again)
            **users,
        }


def _businesses(codes) -> list[Business]:
    return [accounts_db.session.get(Business, code) for code in codes]
