"""M-Pesa sales with a PENDING push each, straight in the payments tables (tests and benches)."""

from __future__ import annotations

import uuid
from decimal import Decimal


def seed_pending_pushes(count: int, first_amount: int = 101) -> list[tuple[str, int]]:
    """`count` pending M-Pesa water sales of first_amount.. KES; returns (CheckoutRequestID, amount).

    Needs the payments app context (the caller's, or build one with payments.app.create_app()).
    """
    from payments.models import MpesaPayment, Sale, SaleLine, db

    made = []
    for n in range(count):
        amount = Decimal(first_amount + n)
        sale = Sale(
            idempotency_key=uuid.uuid4(), business="water", method="mpesa", status="pending", total=amount
        )
        sale.lines.append(
            SaleLine(product_id=1, name="Refill", quantity=1, unit_price=amount, line_total=amount)
        )
        checkout = f"ws_CO_{uuid.uuid4().hex[:24]}"
        payment = MpesaPayment(
            sale=sale,
            business="water",
            kind="stk",
            status="pending",
            amount=amount,
            phone="254712345678",
            checkout_request_id=checkout,
        )
        db.session.add_all([sale, payment])
        made.append((checkout, int(amount)))
    db.session.commit()
    return made


def stk_body(checkout: str, code: int = 0, amount: float | int = 900, receipt: str = "NLJ7RT61SV") -> dict:
    """A Daraja STK callback body, shaped exactly as DARAJA.md shows it."""
    callback = {
        "MerchantRequestID": "29115-34620561-1",
        "CheckoutRequestID": checkout,
        "ResultCode": code,
        "ResultDesc": "The service request is processed successfully."
        if code == 0
        else "Request cancelled by user.",
    }
    if code == 0:
        callback["CallbackMetadata"] = {
            "Item": [
                {"Name": "Amount", "Value": amount},
                {"Name": "MpesaReceiptNumber", "Value": receipt},
                {"Name": "Balance"},
                {"Name": "TransactionDate", "Value": 20191219102115},
                {"Name": "PhoneNumber", "Value": 254712345678},
            ]
        }
    return {"Body": {"stkCallback": callback}}


def c2b_body(trans_id: str, amount: str, bill_ref: str) -> dict:
    """A C2B validation/confirmation body (a till/paybill payment), shaped as DARAJA.md shows it."""
    return {
        "TransactionType": "Pay Bill",
        "TransID": trans_id,
        "TransTime": "20261125101010",
        "TransAmount": amount,
        "BusinessShortCode": "174379",
        "BillRefNumber": bill_ref,
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransID": "",
        "MSISDN": "2547 ***** 149",
        "FirstName": "JOHN",
        "MiddleName": "",
        "LastName": "",
    }


def unmatched_till_payment(amount: str, receipt: str, phone: str | None = None):
    """A till/paybill payment that named no sale, as the C2B hook leaves it (not yet added or committed).

    Needs the payments app context."""
    from payments.models import MpesaPayment

    return MpesaPayment(
        kind="c2b",
        status="unmatched",
        amount=Decimal(amount),
        receipt=receipt,
        account_reference="x",
        phone=phone,
    )
