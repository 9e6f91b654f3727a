"""Request bodies checked field by field as Daraja checks them; the first bad field is reported."""

import base64
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from simulators.daraja import errors
from simulators.daraja.ids import DARAJA_TIME_FORMAT

PHONE = re.compile(r"254[17]\d{8}")
PAYBILL = "CustomerPayBillOnline"
BUY_GOODS = "CustomerBuyGoodsOnline"
TRANSACTION_TYPES = (PAYBILL, BUY_GOODS)
RESPONSE_TYPES = ("Completed", "Cancelled")
MAX_AMOUNT = 250_000
# Safaricom documents 13 characters for TransactionDesc but accepts longer ones (the Node
# clients send a 20-character default); this bound only keeps an absurd body a 400.
TRANSACTION_DESC_MAX = 100
# Daraja refuses C2B URLs containing these words, in any case.
FORBIDDEN_URL_WORDS = ("mpesa", "safaricom", "exe", "cmd", "sql", "query")


@dataclass(frozen=True)
class StkPushRequest:
    """A valid STK push request."""

    shortcode: str
    amount: int
    phone: str
    callback_url: str
    account_reference: str


@dataclass(frozen=True)
class StkQueryRequest:
    """A valid STK query request."""

    shortcode: str
    checkout_request_id: str


@dataclass(frozen=True)
class Registration:
    """C2B URLs registered for a shortcode."""

    shortcode: str
    response_type: str
    confirmation_url: str
    validation_url: str


@dataclass(frozen=True)
class C2BRequest:
    """A valid C2B simulate request."""

    shortcode: str
    command_id: str
    amount: int
    msisdn: str
    bill_ref: str


def require_object(body: object) -> dict[str, object]:
    """The body if it is a JSON object; anything else is a bad request."""
    if not isinstance(body, dict):
        raise errors.DarajaError(400, "400.002.02", "Bad Request - Invalid JSON body")
    return body


def digits(body: dict[str, object], field: str, min_len: int, max_len: int) -> str:
    """A field of min_len..max_len digits, sent as a string or a number."""
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.invalid(field)
    text = str(value)
    if not (min_len <= len(text) <= max_len and text.isascii() and text.isdigit()):
        raise errors.invalid(field)
    return text


def phone(body: dict[str, object], field: str) -> str:
    """A Safaricom number written 2547XXXXXXXX or 2541XXXXXXXX."""
    text = digits(body, field, 12, 12)
    if not PHONE.fullmatch(text):
        raise errors.invalid(field)
    return text


def amount(body: dict[str, object], field: str = "Amount") -> int:
    """Whole shillings 1..250000, sent as a number or a string of digits."""
    value = body.get(field)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        raise errors.invalid(field)
    return value


def text(body: dict[str, object], field: str, max_len: int) -> str:
    """A non-empty string of at most max_len characters."""
    value = body.get(field)
    if not isinstance(value, str) or not 1 <= len(value) <= max_len:
        raise errors.invalid(field)
    return value


def one_of(body: dict[str, object], field: str, choices: tuple[str, ...]) -> str:
    """A string that is exactly one of choices."""
    value = body.get(field)
    if value not in choices:
        raise errors.invalid(field)
    return str(value)


def url(body: dict[str, object], field: str) -> str:
    """An absolute http(s) URL; http is accepted because the simulator runs locally."""
    value = body.get(field)
    if not isinstance(value, str):
        raise errors.invalid(field)
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # unbalanced brackets, or a port out of range
        valid = False
    if not valid:
        raise errors.invalid(field)
    return value


def c2b_url(body: dict[str, object], field: str) -> str:
    """A C2B notification URL without any of Daraja's forbidden words."""
    value = url(body, field)
    if any(word in value.lower() for word in FORBIDDEN_URL_WORDS):
        raise errors.invalid(field)
    return value


def timestamp(body: dict[str, object]) -> str:
    """A Timestamp YYYYMMDDHHmmss that is a real date and time."""
    value = digits(body, "Timestamp", 14, 14)
    try:
        datetime.strptime(value, DARAJA_TIME_FORMAT)
    except ValueError:
        raise errors.invalid("Timestamp") from None
    return value


def check_password(body: dict[str, object], shortcode: str, stamp: str, passkey: str) -> None:
    """Password must be base64(shortcode + passkey + timestamp)."""
    value = body.get("Password")
    if not isinstance(value, str) or not value:
        raise errors.invalid("Password")
    expected = base64.b64encode(f"{shortcode}{passkey}{stamp}".encode()).decode()
    if not hmac.compare_digest(value.encode(), expected.encode()):
        raise errors.wrong_password()


def stk_push(body: object, passkey: str) -> StkPushRequest:
    """A checked STK push request body."""
    body = require_object(body)
    shortcode = digits(body, "BusinessShortCode", 5, 6)
    stamp = timestamp(body)
    one_of(body, "TransactionType", TRANSACTION_TYPES)
    value = amount(body)
    phone(body, "PartyA")
    digits(body, "PartyB", 5, 7)  # a till number (buy goods) can be 7 digits
    customer = phone(body, "PhoneNumber")
    callback_url = url(body, "CallBackURL")
    reference = text(body, "AccountReference", 12)
    text(body, "TransactionDesc", TRANSACTION_DESC_MAX)
    check_password(body, shortcode, stamp, passkey)
    return StkPushRequest(shortcode, value, customer, callback_url, reference)


def stk_query(body: object, passkey: str) -> StkQueryRequest:
    """A checked STK query request body."""
    body = require_object(body)
    shortcode = digits(body, "BusinessShortCode", 5, 6)
    stamp = timestamp(body)
    checkout_request_id = text(body, "CheckoutRequestID", 64)
    check_password(body, shortcode, stamp, passkey)
    return StkQueryRequest(shortcode, checkout_request_id)


def registration(body: object) -> Registration:
    """A checked C2B register-URL request body."""
    body = require_object(body)
    return Registration(
        shortcode=digits(body, "ShortCode", 5, 7),
        response_type=one_of(body, "ResponseType", RESPONSE_TYPES),
        confirmation_url=c2b_url(body, "ConfirmationURL"),
        validation_url=c2b_url(body, "ValidationURL"),
    )


def c2b_payment(body: object) -> C2BRequest:
    """A checked C2B simulate request body; BillRefNumber may be absent for tills."""
    body = require_object(body)
    shortcode = digits(body, "ShortCode", 5, 7)
    command_id = one_of(body, "CommandID", TRANSACTION_TYPES)
    value = amount(body)
    msisdn = phone(body, "Msisdn")
    bill_ref = body.get("BillRefNumber", "")
    if bill_ref is None:
        bill_ref = ""
    if isinstance(bill_ref, bool) or not isinstance(bill_ref, int | str):
        raise errors.invalid("BillRefNumber")
    return C2BRequest(shortcode, command_id, value, msisdn, str(bill_ref))
