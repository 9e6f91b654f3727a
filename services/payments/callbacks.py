"""Reading Daraja's callback bodies: validated field by field, items found by Name, never by position."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from common.money import MAX_AMOUNT, is_cents


class BadCallback(ValueError):
    """The body is not a callback we understand; `errors` names the fields."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class StkResult:
    checkout_request_id: str
    merchant_request_id: str
    result_code: int
    result_desc: str
    amount: Decimal | None = None
    receipt: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class C2BConfirmation:
    trans_id: str
    amount: Decimal
    bill_ref: str
    msisdn: str
    shortcode: str


def _text(value: Any, name: str, max_len: int, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= max_len:
        errors[name] = [f"must be a string of 1..{max_len} characters"]
        return ""
    return value


def _amount(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors[name] = ["must be a number"]
        return None
    try:
        # str() first: Daraja sends 1.00 as a JSON number, and a float must never become money.
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[name] = ["must be a number"]
        return None
    if not is_cents(amount):
        # Refused, not rounded or sent to review: KES 10.005 or 1e20 is no amount M-Pesa pays.
        errors[name] = [f"must be above 0, at most {MAX_AMOUNT}, in whole cents"]
        return None
    return amount


def parse_stk(body: Any) -> StkResult:
    """The STK callback `{"Body": {"stkCallback": {...}}}`; BadCallback if anything is off."""
    outer = body.get("Body") if isinstance(body, dict) else None
    callback = outer.get("stkCallback") if isinstance(outer, dict) else None
    if not isinstance(callback, dict):
        raise BadCallback({"Body.stkCallback": ["missing or not an object"]})
    errors: dict[str, list[str]] = {}
    checkout = _text(callback.get("CheckoutRequestID"), "CheckoutRequestID", 64, errors)
    merchant = _text(callback.get("MerchantRequestID"), "MerchantRequestID", 64, errors)
    code = callback.get("ResultCode")
    if isinstance(code, bool) or not isinstance(code, int):
        errors["ResultCode"] = ["must be an integer"]
    desc = callback.get("ResultDesc", "")
    if not isinstance(desc, str):
        errors["ResultDesc"] = ["must be a string"]
    if errors:
        raise BadCallback(errors)
    if code != 0:
        return StkResult(checkout, merchant, code, desc[:255])
    items = _items(callback.get("CallbackMetadata"), errors)
    amount = _amount(items.get("Amount"), "Amount", errors)
    receipt = _text(items.get("MpesaReceiptNumber"), "MpesaReceiptNumber", 32, errors)
    if errors:
        raise BadCallback(errors)
    phone = items.get("PhoneNumber")
    return StkResult(
        checkout, merchant, 0, desc[:255], amount, receipt, None if phone is None else str(phone)
    )


def _items(metadata: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    items = metadata.get("Item") if isinstance(metadata, dict) else None
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("Name"), str) for i in items
    ):
        errors["CallbackMetadata.Item"] = ["a successful callback needs a list of {Name, Value} items"]
        return {}
    # Balance often comes without a Value: absent values are simply missing.
    return {item["Name"]: item["Value"] for item in items if "Value" in item}


def parse_c2b(body: Any) -> C2BConfirmation:
    """A C2B validation or confirmation body; BadCallback if a field we rely on is off."""
    if not isinstance(body, dict):
        raise BadCallback({"_body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    trans_id = _text(body.get("TransID"), "TransID", 32, errors)
    amount = _amount(body.get("TransAmount"), "TransAmount", errors)
    shortcode = body.get("BusinessShortCode")
    if isinstance(shortcode, bool) or not isinstance(shortcode, int | str) or not str(shortcode).isdigit():
        errors["BusinessShortCode"] = ["must be digits"]
    bill_ref = body.get("BillRefNumber", "")
    if not isinstance(bill_ref, str) or len(bill_ref) > 64:
        errors["BillRefNumber"] = ["must be a string of at most 64 characters"]
    msisdn = body.get("MSISDN", "")
    if not isinstance(msisdn, str | int) or isinstance(msisdn, bool) or len(str(msisdn)) > 64:
        errors["MSISDN"] = ["must be a string of at most 64 characters"]
    if errors:
        raise BadCallback(errors)
    # MSISDN may be masked or hashed: stored as given, never interpreted.
    return C2BConfirmation(trans_id, amount, bill_ref.strip(), str(msisdn), str(shortcode))


@dataclass(frozen=True)
class RefundResultBody:
    """A reversal / B2C result, a queue timeout, or a status query's answer, keyed by the refund's
    OriginatorConversationID (for a status answer: the one in its ResultParameters)."""

    originator_conversation_id: str
    result_code: str
    result_desc: str
    receipt: str | None
    transaction_status: str | None  # status answers only: "Completed" / "Failed"


def parse_refund_result(body: Any, status_answer: bool = False) -> RefundResultBody:
    """`{"Result": {...}}`; BadCallback if anything we rely on is off."""
    result = body.get("Result") if isinstance(body, dict) else None
    if not isinstance(result, dict):
        raise BadCallback({"Result": ["missing or not an object"]})
    errors: dict[str, list[str]] = {}
    code = result.get("ResultCode")
    # An integer for B2C, a string such as "R000001" for reversals.
    if isinstance(code, bool) or not isinstance(code, int | str) or not 1 <= len(str(code)) <= 16:
        errors["ResultCode"] = ["must be an integer or a code of 1..16 characters"]
    desc = result.get("ResultDesc", "")
    if not isinstance(desc, str):
        errors["ResultDesc"] = ["must be a string"]
    parameters = result.get("ResultParameters", {})
    items = parameters.get("ResultParameter", []) if isinstance(parameters, dict) else None
    if isinstance(items, dict):  # a single parameter comes as an object, not a list
        items = [items]
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("Key"), str) for i in items
    ):
        errors["ResultParameters"] = ["must be a list of {Key, Value}"]
        items = []
    values = {i["Key"]: i.get("Value") for i in items}
    source = values if status_answer else result
    originator = _text(source.get("OriginatorConversationID"), "OriginatorConversationID", 64, errors)
    receipt = values.get("ReceiptNo") if status_answer else result.get("TransactionID")
    if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 32):
        errors["TransactionID"] = ["must be a string of at most 32 characters"]
    status = values.get("TransactionStatus") if status_answer else None
    if status_answer and status not in ("Completed", "Failed"):
        errors["TransactionStatus"] = ["must be Completed or Failed"]
    if errors:
        raise BadCallback(errors)
    return RefundResultBody(originator, str(code), desc[:255], receipt or None, status)
