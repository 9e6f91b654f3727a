"""Identifiers and timestamps shaped like Daraja's; the store makes the ones that matter unique."""

import secrets
import string
from datetime import datetime, timedelta, timezone

# Kenya keeps East Africa Time all year (no DST), so a fixed offset needs no tz database.
NAIROBI = timezone(timedelta(hours=3), "EAT")
DARAJA_TIME_FORMAT = "%Y%m%d%H%M%S"
UPPER_ALNUM = string.ascii_uppercase + string.digits


def _pick(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def nairobi_now() -> datetime:
    """The current time in Nairobi."""
    return datetime.now(NAIROBI)


def daraja_time(moment: datetime) -> str:
    """A time as Daraja writes it: YYYYMMDDHHmmss in Nairobi time."""
    return moment.astimezone(NAIROBI).strftime(DARAJA_TIME_FORMAT)


def request_id() -> str:
    """A requestId for error bodies, e.g. 2ba8-4165-beca-292db11f9ef8358609."""
    parts = (secrets.token_hex(2), secrets.token_hex(2), secrets.token_hex(2), secrets.token_hex(9))
    return "-".join(parts)


def merchant_request_id() -> str:
    """A MerchantRequestID, e.g. 29115-34620561-1."""
    return f"{10000 + secrets.randbelow(90000)}-{10_000_000 + secrets.randbelow(90_000_000)}-1"


def checkout_request_id() -> str:
    """A CheckoutRequestID, e.g. ws_CO_191220191020363925 (date, time, then digits)."""
    return "ws_CO_" + nairobi_now().strftime("%d%m%Y%H%M%S") + _pick(string.digits, 4)


def receipt_number() -> str:
    """An M-Pesa receipt / TransID: 10 uppercase letters and digits, e.g. NLJ7RT61SV."""
    return _pick(string.ascii_uppercase, 1) + _pick(UPPER_ALNUM, 9)


def conversation_id() -> str:
    """A ConversationID, e.g. AG_20180402_00004a92452ef78e864d."""
    return f"AG_{nairobi_now():%Y%m%d}_{secrets.token_hex(10)}"


def access_token() -> str:
    """An opaque 28-character access token like the real ones."""
    return _pick(string.ascii_letters + string.digits, 28)
