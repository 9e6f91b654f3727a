"""What the simulator does for each Daraja call. No Flask here: routes parse, this decides."""

import base64
import binascii
import hmac
import time
from datetime import timedelta

import requests

from simulators.daraja import bodies, callbacks, errors, ids, validation
from simulators.daraja.config import Settings
from simulators.daraja.outcomes import Moment, Outcome, outcome_for
from simulators.daraja.state import Delivery, Payment, Push, Store
from simulators.daraja.validation import Registration

TOKEN_LIFETIME_SECONDS = 3599


def issue_token(store: Store, authorization: str | None, grant_type: str | None) -> dict[str, str]:
    """A new access token for the configured consumer key and secret."""
    if grant_type != "client_credentials":
        raise errors.bad_grant_type()
    key, secret = _basic_credentials(authorization)
    settings = store.settings
    key_ok = hmac.compare_digest(key.encode(), settings.consumer_key.encode())
    secret_ok = hmac.compare_digest(secret.encode(), settings.consumer_secret.encode())
    if not (key_ok and secret_ok):
        raise errors.bad_credentials()
    token = store.issue_token(ids.access_token, TOKEN_LIFETIME_SECONDS)
    return bodies.token(token, TOKEN_LIFETIME_SECONDS)


def _basic_credentials(authorization: str | None) -> tuple[str, str]:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        raise errors.bad_credentials()
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise errors.bad_credentials() from None
    key, colon, secret = decoded.partition(":")
    if not colon:
        raise errors.bad_credentials()
    return key, secret


def require_token(store: Store, authorization: str | None) -> None:
    """Refuse the call unless it carries the current bearer token."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not store.token_is_valid(token.strip()):
        raise errors.invalid_token()


def start_push(store: Store, body: object) -> dict[str, str]:
    """Accept an STK push, then play its scenario: callbacks and query answers later."""
    settings = store.settings
    request = validation.stk_push(body, settings.passkey)
    outcome = outcome_for(request.phone)
    if outcome.refused:
        raise errors.subscriber_locked()
    push = _new_push(store, settings, request, outcome)
    store.add_push(push)
    callback_after = _seconds(settings, outcome.callback)
    if callback_after is not None:
        callbacks.schedule(store, callback_after, lambda: _deliver_push(store, push))
    return bodies.push_accepted(push.merchant_request_id, push.checkout_request_id)


def _new_push(store: Store, settings: Settings, request: validation.StkPushRequest, outcome: Outcome) -> Push:
    created_at = time.monotonic()
    decided_after = _seconds(settings, outcome.decided)
    merchant_request_id = store.claim_id(ids.merchant_request_id)
    checkout_request_id = store.claim_id(ids.checkout_request_id)
    receipt = store.claim_id(ids.receipt_number) if outcome.result_code == 0 else None
    callback = None
    if outcome.callback != "never":
        metadata = None
        if receipt is not None:
            paid_at = ids.nairobi_now() + timedelta(seconds=decided_after or 0)
            paid = float(request.amount + outcome.amount_delta)
            metadata = bodies.payment_metadata(paid, receipt, paid_at, request.phone)
        callback = bodies.stk_callback(
            merchant_request_id, checkout_request_id, outcome.result_code, metadata
        )
    return Push(
        checkout_request_id=checkout_request_id,
        merchant_request_id=merchant_request_id,
        shortcode=request.shortcode,
        phone=request.phone,
        amount=request.amount,
        account_reference=request.account_reference,
        callback_url=request.callback_url,
        outcome=outcome,
        decided_at=None if decided_after is None else created_at + decided_after,
        receipt=receipt,
        callback=callback,
    )


def _seconds(settings: Settings, moment: Moment) -> float | None:
    """How long after the push a moment comes; None for never."""
    return {
        "callback": settings.callback_delay,
        "processing": settings.processing_seconds,
        "late": settings.late_callback_seconds,
        "never": None,
    }[moment]


def _deliver_push(store: Store, push: Push) -> None:
    # Duplicates are posted one after another, as separate requests, like Daraja's resends.
    for _ in range(push.outcome.deliveries):
        callbacks.post_json(push.callback_url, push.callback or {}, "stk", lambda d: store.record(push, d))


def query_push(store: Store, body: object) -> dict[str, str]:
    """The STK query: "being processed" until the push's outcome is decided, then its result."""
    request = validation.stk_query(body, store.settings.passkey)
    push = store.find_push(request.checkout_request_id)
    if push is None or push.shortcode != request.shortcode:
        raise errors.invalid("CheckoutRequestID")
    if not push.is_decided(time.monotonic()):
        raise errors.being_processed()
    return bodies.query_result(push.merchant_request_id, push.checkout_request_id, push.outcome.result_code)


def register_urls(store: Store, body: object) -> dict[str, str]:
    """Register C2B validation and confirmation URLs for a shortcode."""
    store.register(validation.registration(body))
    return bodies.urls_registered()


def simulate_c2b(store: Store, body: object) -> dict[str, str]:
    """Accept a simulated customer payment, then notify the registered URLs after the delay."""
    request = validation.c2b_payment(body)
    registration = store.registration_for(request.shortcode)
    if registration is None:
        raise errors.DarajaError(400, "400.002.02", "Bad Request - No URLs registered for ShortCode")
    trans_id = store.claim_id(ids.receipt_number)
    notification = bodies.c2b_notification(
        trans_id,
        ids.nairobi_now(),
        request.command_id,
        request.amount,
        request.shortcode,
        request.bill_ref,
        request.msisdn,
    )
    payment = Payment(trans_id, request.shortcode, request.amount, request.msisdn, notification)
    store.add_payment(payment)
    delay = store.settings.callback_delay
    callbacks.schedule(store, delay, lambda: _notify_c2b(store, registration, payment))
    return bodies.c2b_accepted()


def _notify_c2b(store: Store, registration: Registration, payment: Payment) -> None:
    def record(delivery: Delivery) -> None:
        store.record(payment, delivery)

    # Validation is opt-in at Safaricom: by default only the confirmation is sent.
    if store.validates(payment.shortcode):
        answer = callbacks.post_json(registration.validation_url, payment.body, "validation", record)
        if not _validation_accepted(answer, registration.response_type):
            store.set_payment_status(payment, "rejected")
            return
    balance = store.credit(payment.shortcode, payment.amount)
    confirmation = {**payment.body, "OrgAccountBalance": f"{balance:.2f}"}
    store.set_payment_status(payment, "confirmed")
    callbacks.post_json(registration.confirmation_url, confirmation, "confirmation", record)


def _validation_accepted(answer: requests.Response | None, response_type: str) -> bool:
    """ResultCode "0" accepts; no usable answer falls back to the registered ResponseType."""
    try:
        result = answer.json() if answer is not None and answer.ok else None
    except ValueError:
        result = None
    if not isinstance(result, dict):
        return response_type == "Completed"
    return str(result.get("ResultCode")) == "0"
