"""The Daraja client: one cached OAuth token for every process, STK push and query, and money back
(transaction reversal, B2C payment, transaction status query).

Knows Daraja's wire format only; what a result means for a sale is decided in services.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from redis import Redis

from common.timeutil import NAIROBI

from .config import MpesaSettings

log = logging.getLogger("tomtin.mpesa")
TOKEN_KEY = "tomtin:payments:mpesa:token"
TOKEN_LOCK_KEY = "tomtin:payments:mpesa:token-lock"
# Refresh this long before Daraja's expiry, so a token never dies mid-request.
TOKEN_EARLY_SECONDS = 300
INVALID_TOKEN = "404.001.03"
BEING_PROCESSED = "500.001.1001"
ACCOUNT_REFERENCE_MAX = 12
TRANSACTION_DESC_MAX = 13
REMARKS_MAX = 100


class DarajaError(Exception):
    """Daraja refused a call or could not be reached; `code` is its errorCode when it sent one."""

    def __init__(self, message: str, code: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status


@dataclass(frozen=True)
class PushAccepted:
    merchant_request_id: str
    checkout_request_id: str
    customer_message: str


@dataclass(frozen=True)
class RequestAccepted:
    """Daraja took a reversal, B2C or status request; its result comes later to our ResultURL."""

    originator_conversation_id: str
    conversation_id: str


@dataclass(frozen=True)
class QueryResult:
    """`result_code` None means "still being processed"."""

    result_code: int | None
    result_desc: str


def timestamp(now: dt.datetime | None = None) -> str:
    """Daraja's `YYYYMMDDHHmmss` in Nairobi time (one per request, used in Password too)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def password(shortcode: str, passkey: str, stamp: str) -> str:
    """base64(shortcode + passkey + timestamp)."""
    return base64.b64encode(f"{shortcode}{passkey}{stamp}".encode()).decode()


class DarajaClient:
    """Calls Daraja at `settings.base_url`; `redis` holds the shared token (None: no sharing)."""

    def __init__(self, settings: MpesaSettings, redis: Redis | None) -> None:
        self.settings = settings
        self.redis = redis

    # --- OAuth -------------------------------------------------------------------------------
    def _fetch_token(self) -> tuple[str, int]:
        try:
            response = requests.get(
                f"{self.settings.base_url}/oauth/v1/generate",
                params={"grant_type": "client_credentials"},
                auth=(self.settings.consumer_key, self.settings.consumer_secret),
                timeout=self.settings.timeout_seconds,
            )
        except requests.RequestException as exc:
            raise DarajaError(f"Daraja could not be reached: {type(exc).__name__}") from exc
        body = _json(response)
        if response.status_code != 200 or "access_token" not in body:
            raise DarajaError("Daraja refused our credentials.", body.get("errorCode"), response.status_code)
        # expires_in is a string in real answers and a number in the docs.
        return str(body["access_token"]), int(str(body.get("expires_in", "3599")))

    def token(self) -> str:
        """The shared token, fetching a new one (by one process at a time) when absent."""
        cached = self._cached_token()
        if cached:
            return cached
        if self.redis is not None and not self._redis_call(
            lambda r: r.set(TOKEN_LOCK_KEY, b"1", nx=True, ex=15), default=True
        ):
            # Another process is fetching: a new token may invalidate the old one, so wait for it.
            for _ in range(30):
                time.sleep(0.1)
                cached = self._cached_token()
                if cached:
                    return cached
        token, expires_in = self._fetch_token()
        ttl = max(expires_in - TOKEN_EARLY_SECONDS, 30)
        self._redis_call(lambda r: r.set(TOKEN_KEY, token.encode(), ex=ttl))
        self._redis_call(lambda r: r.delete(TOKEN_LOCK_KEY))
        return token

    def _cached_token(self) -> str | None:
        raw = self._redis_call(lambda r: r.get(TOKEN_KEY))
        return raw.decode() if raw else None

    def _forget_token(self, token: str) -> None:
        if self._cached_token() == token:
            self._redis_call(lambda r: r.delete(TOKEN_KEY))

    def _redis_call(self, call: Any, default: Any = None) -> Any:
        if self.redis is None:
            return default
        try:
            return call(self.redis)
        except Exception:  # noqa: BLE001 - without Redis each process fetches its own token
            log.warning("token cache unavailable", exc_info=True)
            return default

    # --- API calls ---------------------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with the token; on an invalid-token answer refresh once and retry."""
        for attempt in (1, 2):
            token = self.token()
            try:
                response = requests.post(
                    f"{self.settings.base_url}{path}",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=self.settings.timeout_seconds,
                )
            except requests.RequestException as exc:
                raise DarajaError(f"Daraja could not be reached: {type(exc).__name__}") from exc
            answer = _json(response)
            if answer.get("errorCode") == INVALID_TOKEN and attempt == 1:
                log.info("Daraja token rejected; refreshing")
                self._forget_token(token)
                continue
            if "errorCode" in answer or response.status_code >= 400:
                raise DarajaError(
                    str(answer.get("errorMessage") or f"Daraja answered HTTP {response.status_code}"),
                    answer.get("errorCode"),
                    response.status_code,
                )
            return answer
        raise DarajaError("Daraja kept rejecting a fresh token.", INVALID_TOKEN)

    def _credentials(self) -> dict[str, str]:
        stamp = timestamp()
        return {
            "BusinessShortCode": self.settings.shortcode,
            "Password": password(self.settings.shortcode, self.settings.passkey, stamp),
            "Timestamp": stamp,
        }

    def stk_push(self, phone: str, amount: int, reference: str, description: str) -> PushAccepted:
        """Ask Daraja to prompt `phone` (already normalised) for `amount` whole shillings."""
        body = {
            **self._credentials(),
            "TransactionType": self.settings.transaction_type,
            "Amount": amount,
            "PartyA": phone,
            "PartyB": self.settings.party_b,
            "PhoneNumber": phone,
            "CallBackURL": f"{self.settings.callback_base_url}/hooks/mpesa/{self.settings.webhook_secret}/stk",
            "AccountReference": reference[:ACCOUNT_REFERENCE_MAX],
            "TransactionDesc": description[:TRANSACTION_DESC_MAX],
        }
        answer = self._post("/mpesa/stkpush/v1/processrequest", body)
        if str(answer.get("ResponseCode")) != "0" or not answer.get("CheckoutRequestID"):
            raise DarajaError(str(answer.get("ResponseDescription") or "Daraja did not accept the push."))
        return PushAccepted(
            str(answer.get("MerchantRequestID", "")),
            str(answer["CheckoutRequestID"]),
            str(answer.get("CustomerMessage", "")),
        )

    def register_c2b_urls(self, response_type: str = "Completed") -> dict[str, Any]:
        """Register our C2B validation and confirmation URLs for the shortcode (done once per deploy)."""
        validation, confirmation = c2b_urls(self.settings.callback_base_url, self.settings.webhook_secret)
        return self._post(
            "/mpesa/c2b/v2/registerurl",
            {
                "ShortCode": self.settings.shortcode,
                "ResponseType": response_type,
                "ConfirmationURL": confirmation,
                "ValidationURL": validation,
            },
        )

    def stk_query(self, checkout_request_id: str) -> QueryResult:
        """The push's result; result_code None while Daraja says it is being processed."""
        try:
            answer = self._post(
                "/mpesa/stkpushquery/v1/query",
                {**self._credentials(), "CheckoutRequestID": checkout_request_id},
            )
        except DarajaError as exc:
            if exc.code == BEING_PROCESSED:
                return QueryResult(None, exc.message)
            raise
        # Here ResultCode is a string, unlike in callbacks.
        try:
            code = int(str(answer.get("ResultCode")))
        except ValueError as exc:
            raise DarajaError(
                f"Daraja query answered an unreadable ResultCode {answer.get('ResultCode')!r}"
            ) from exc
        return QueryResult(code, str(answer.get("ResultDesc", "")))

    # --- Money back: each answer is only an acknowledgement; the result is POSTed to our hooks ---
    def refund_urls(self, result: str) -> tuple[str, str]:
        """(ResultURL, QueueTimeOutURL): `result` is "result" (reversal, B2C) or "status" (query)."""
        base = f"{self.settings.callback_base_url}/hooks/mpesa/{self.settings.webhook_secret}/refund"
        return f"{base}/{result}", f"{base}/timeout"

    def _money_back(self, path: str, body: dict[str, Any]) -> RequestAccepted:
        answer = self._post(path, body)
        if str(answer.get("ResponseCode")) != "0" or not answer.get("ConversationID"):
            raise DarajaError(str(answer.get("ResponseDescription") or "Daraja did not accept the request."))
        return RequestAccepted(str(answer.get("OriginatorConversationID", "")), str(answer["ConversationID"]))

    def reversal(self, receipt: str, amount: int, remarks: str) -> RequestAccepted:
        """Reverse the customer's payment `receipt` for `amount` whole shillings."""
        result_url, timeout_url = self.refund_urls("result")
        return self._money_back(
            "/mpesa/reversal/v1/request",
            {
                "Initiator": self.settings.initiator_name,
                "SecurityCredential": self.settings.security_credential,
                "CommandID": "TransactionReversal",
                "TransactionID": receipt,
                "Amount": amount,
                "ReceiverParty": self.settings.shortcode,
                "RecieverIdentifierType": "11",  # Daraja's own spelling
                "ResultURL": result_url,
                "QueueTimeOutURL": timeout_url,
                "Remarks": remarks[:REMARKS_MAX],
                "Occasion": "",
            },
        )

    def b2c(self, originator_id: str, phone: str, amount: int, remarks: str) -> RequestAccepted:
        """Pay `amount` whole shillings to `phone`; `originator_id` is ours and unique (v3)."""
        result_url, timeout_url = self.refund_urls("result")
        return self._money_back(
            "/mpesa/b2c/v3/paymentrequest",
            {
                "OriginatorConversationID": originator_id,
                "InitiatorName": self.settings.initiator_name,
                "SecurityCredential": self.settings.security_credential,
                "CommandID": "BusinessPayment",
                "Amount": amount,
                "PartyA": self.settings.b2c_shortcode,
                "PartyB": phone,
                "Remarks": remarks[:REMARKS_MAX],
                "QueueTimeOutURL": timeout_url,
                "ResultURL": result_url,
                "Occasion": "",
            },
        )

    def transaction_status(self, originator_id: str) -> RequestAccepted:
        """Ask what became of a reversal or B2C payment; the answer is POSTed to our status hook."""
        result_url, timeout_url = self.refund_urls("status")
        return self._money_back(
            "/mpesa/transactionstatus/v1/query",
            {
                "Initiator": self.settings.initiator_name,
                "SecurityCredential": self.settings.security_credential,
                "CommandID": "TransactionStatusQuery",
                "OriginalConversationID": originator_id,
                "PartyA": self.settings.shortcode,
                "IdentifierType": "4",
                "ResultURL": result_url,
                "QueueTimeOutURL": timeout_url,
                "Remarks": "refund status",
            },
        )


def c2b_urls(base_url: str, secret: str) -> tuple[str, str]:
    """The (validation, confirmation) URLs to register: no "mpesa" in them, as Daraja requires."""
    return f"{base_url}/hooks/c2b/{secret}/validation", f"{base_url}/hooks/c2b/{secret}/confirmation"


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
