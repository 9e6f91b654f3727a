"""The JSON bodies Daraja answers and posts, shaped exactly as DARAJA.md describes."""

import hashlib
from datetime import datetime

from simulators.daraja import ids
from simulators.daraja.outcomes import RESULT_DESCRIPTIONS
from simulators.daraja.validation import PAYBILL

ACCEPTED = "Success. Request accepted for processing"


def token(access_token: str, lifetime: int) -> dict[str, str]:
    """The OAuth answer; expires_in is a string in real responses."""
    return {"access_token": access_token, "expires_in": str(lifetime)}


def push_accepted(merchant_request_id: str, checkout_request_id: str) -> dict[str, str]:
    """The immediate answer to an accepted STK push."""
    return {
        "MerchantRequestID": merchant_request_id,
        "CheckoutRequestID": checkout_request_id,
        "ResponseCode": "0",
        "ResponseDescription": ACCEPTED,
        "CustomerMessage": ACCEPTED,
    }


def stk_callback(
    merchant_request_id: str,
    checkout_request_id: str,
    result_code: int,
    metadata: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    """An STK callback; ResultCode is an integer and only success carries CallbackMetadata."""
    callback: dict[str, object] = {
        "MerchantRequestID": merchant_request_id,
        "CheckoutRequestID": checkout_request_id,
        "ResultCode": result_code,
        "ResultDesc": RESULT_DESCRIPTIONS[result_code],
    }
    if metadata is not None:
        callback["CallbackMetadata"] = {"Item": metadata}
    return {"Body": {"stkCallback": callback}}


def payment_metadata(amount: float, receipt: str, paid_at: datetime, phone: str) -> list[dict[str, object]]:
    """Success CallbackMetadata items; Balance has no Value, dates and phones are numbers."""
    return [
        {"Name": "Amount", "Value": amount},
        {"Name": "MpesaReceiptNumber", "Value": receipt},
        {"Name": "Balance"},
        {"Name": "TransactionDate", "Value": int(ids.daraja_time(paid_at))},
        {"Name": "PhoneNumber", "Value": int(phone)},
    ]


def query_result(merchant_request_id: str, checkout_request_id: str, result_code: int) -> dict[str, str]:
    """The STK query's final answer; here ResultCode is a string (the typo is Daraja's)."""
    return {
        "ResponseCode": "0",
        "ResponseDescription": "The service request has been accepted successsfully",
        "MerchantRequestID": merchant_request_id,
        "CheckoutRequestID": checkout_request_id,
        "ResultCode": str(result_code),
        "ResultDesc": RESULT_DESCRIPTIONS[result_code],
    }


def urls_registered() -> dict[str, str]:
    """The answer to a C2B URL registration (OriginatorCoversationID is spelled as Daraja does)."""
    return {
        "OriginatorCoversationID": ids.merchant_request_id(),
        "ResponseCode": "0",
        "ResponseDescription": "Success",
    }


def c2b_accepted() -> dict[str, str]:
    """The immediate answer to a C2B simulate request."""
    return {
        "ConversationID": ids.conversation_id(),
        "OriginatorCoversationID": ids.merchant_request_id(),
        "ResponseCode": "0",
        "ResponseDescription": "Accept the service request successfully.",
    }


def c2b_notification(
    trans_id: str, paid_at: datetime, command_id: str, amount: int, shortcode: str, bill_ref: str, msisdn: str
) -> dict[str, object]:
    """The validation body; confirmation is the same with OrgAccountBalance filled in.

    MSISDN is a SHA-256 hash, as production now sends it: receivers must treat it as opaque.
    """
    return {
        "TransactionType": "Pay Bill" if command_id == PAYBILL else "Buy Goods",
        "TransID": trans_id,
        "TransTime": ids.daraja_time(paid_at),
        "TransAmount": f"{amount:.2f}",
        "BusinessShortCode": shortcode,
        "BillRefNumber": bill_ref,
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransID": "",
        "MSISDN": hashlib.sha256(msisdn.encode()).hexdigest(),
        "FirstName": "John",
        "MiddleName": "",
        "LastName": "",
    }
