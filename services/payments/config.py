"""payments settings: the shared ones plus M-Pesa's, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from common.config import ConfigError, Settings, load_settings, optional

SERVICE = "payments"
# Secrets: a missing one stops the service with a message naming it.
REQUIRED = (
    "MPESA_CONSUMER_KEY",
    "MPESA_CONSUMER_SECRET",
    "MPESA_PASSKEY",
    "MPESA_WEBHOOK_SECRET",
    # The initiator's password encrypted with Safaricom's certificate (reversal, B2C, status query).
    "MPESA_SECURITY_CREDENTIAL",
    # Africa's Talking: the account's API key, and the secret in our delivery-report URL.
    "SMS_API_KEY",
    "SMS_WEBHOOK_SECRET",
)
TRANSACTION_TYPES = ("CustomerPayBillOnline", "CustomerBuyGoodsOnline")


@dataclass(frozen=True)
class MpesaSettings:
    """How to reach Daraja and how patiently to reconcile."""

    base_url: str
    consumer_key: str
    consumer_secret: str
    passkey: str
    shortcode: str
    party_b: str
    transaction_type: str
    callback_base_url: str
    webhook_secret: str
    # Money back (reversal, B2C, transaction status): the API operator and its encrypted password.
    initiator_name: str
    security_credential: str
    b2c_shortcode: str
    # A pending push is first queried this long after it was made, then with doubling backoff.
    query_after_seconds: int
    query_max_attempts: int
    query_max_backoff_seconds: int
    timeout_seconds: float


def settings() -> Settings:
    """Validated settings for payments."""
    loaded = load_settings(SERVICE, REQUIRED)
    mpesa_settings(loaded)
    sms_settings(loaded)
    return loaded


def mpesa_settings(base: Settings, env: Mapping[str, str] | None = None) -> MpesaSettings:
    """The M-Pesa settings, from the required secrets and optional tunables."""
    env = os.environ if env is None else env
    shortcode = optional("MPESA_SHORTCODE", "174379", env)
    transaction_type = optional("MPESA_TRANSACTION_TYPE", "CustomerPayBillOnline", env)
    if transaction_type not in TRANSACTION_TYPES:
        raise ConfigError(f"MPESA_TRANSACTION_TYPE must be one of {', '.join(TRANSACTION_TYPES)}")
    if len(base.extra["MPESA_WEBHOOK_SECRET"]) < 16:
        raise ConfigError("MPESA_WEBHOOK_SECRET must be at least 16 characters")
    initiator_name = optional("MPESA_INITIATOR_NAME", "testapi", env)
    if not 1 <= len(initiator_name) <= 64:
        raise ConfigError("MPESA_INITIATOR_NAME must be 1..64 characters")
    b2c_shortcode = optional("MPESA_B2C_SHORTCODE", "600000", env)
    if not (b2c_shortcode.isdigit() and 5 <= len(b2c_shortcode) <= 7):
        raise ConfigError("MPESA_B2C_SHORTCODE must be 5..7 digits")
    base_url = optional("MPESA_BASE_URL", "http://127.0.0.1:5005", env)
    callback_base_url = optional("MPESA_CALLBACK_BASE_URL", "http://127.0.0.1:8080", env)
    # Safaricom only calls back to https; the local simulator is happy with http.
    if "safaricom" in base_url and not callback_base_url.startswith("https://"):
        raise ConfigError("MPESA_CALLBACK_BASE_URL must be an https URL when calling Safaricom")
    try:
        return MpesaSettings(
            base_url=base_url.rstrip("/"),
            consumer_key=base.extra["MPESA_CONSUMER_KEY"],
            consumer_secret=base.extra["MPESA_CONSUMER_SECRET"],
            passkey=base.extra["MPESA_PASSKEY"],
            shortcode=shortcode,
            party_b=optional("MPESA_PARTY_B", shortcode, env),
            transaction_type=transaction_type,
            callback_base_url=callback_base_url.rstrip("/"),
            webhook_secret=base.extra["MPESA_WEBHOOK_SECRET"],
            initiator_name=initiator_name,
            security_credential=base.extra["MPESA_SECURITY_CREDENTIAL"],
            b2c_shortcode=b2c_shortcode,
            query_after_seconds=int(optional("MPESA_QUERY_AFTER_SECONDS", "30", env)),
            query_max_attempts=int(optional("MPESA_QUERY_MAX_ATTEMPTS", "8", env)),
            query_max_backoff_seconds=int(optional("MPESA_QUERY_MAX_BACKOFF_SECONDS", "300", env)),
            timeout_seconds=float(optional("MPESA_TIMEOUT_SECONDS", "10", env)),
        )
    except ValueError as exc:
        raise ConfigError(f"an MPESA_* tunable is not a number: {exc}") from exc


@dataclass(frozen=True)
class SmsSettings:
    """How to reach Africa's Talking (or the local SMS simulator) and how patiently to retry."""

    base_url: str
    username: str
    api_key: str
    sender_id: str  # "" : the provider's default sender
    webhook_secret: str
    timeout_seconds: float
    max_attempts: int
    retry_first_seconds: float
    retry_cap_seconds: float
    # A send whose answer never came (worker killed, timeout) waits this long for a delivery
    # report that names it before it is sent again (Africa's Talking has no idempotency key).
    uncertain_wait_seconds: float
    rate: str  # KES per part, for the estimate shown before a message is sent


def sms_settings(base: Settings, env: Mapping[str, str] | None = None) -> SmsSettings:
    env = os.environ if env is None else env
    if len(base.extra["SMS_WEBHOOK_SECRET"]) < 16:
        raise ConfigError("SMS_WEBHOOK_SECRET must be at least 16 characters")
    base_url = optional("SMS_BASE_URL", "http://127.0.0.1:5006", env)
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("SMS_BASE_URL must be an http(s) URL")
    sender_id = optional("SMS_SENDER_ID", "", env).strip()
    if len(sender_id) > 11:
        raise ConfigError("SMS_SENDER_ID must be at most 11 characters")
    try:
        settings = SmsSettings(
            base_url=base_url.rstrip("/"),
            username=optional("SMS_USERNAME", "sandbox", env),
            api_key=base.extra["SMS_API_KEY"],
            sender_id=sender_id,
            webhook_secret=base.extra["SMS_WEBHOOK_SECRET"],
            timeout_seconds=float(optional("SMS_TIMEOUT_SECONDS", "10", env)),
            max_attempts=int(optional("SMS_MAX_ATTEMPTS", "8", env)),
            retry_first_seconds=float(optional("SMS_RETRY_FIRST_SECONDS", "30", env)),
            retry_cap_seconds=float(optional("SMS_RETRY_CAP_SECONDS", "3600", env)),
            uncertain_wait_seconds=float(optional("SMS_UNCERTAIN_WAIT_SECONDS", "600", env)),
            rate=optional("SMS_RATE", "0.80", env),
        )
    except ValueError as exc:
        raise ConfigError(f"an SMS_* tunable is not a number: {exc}") from exc
    if settings.uncertain_wait_seconds <= settings.timeout_seconds:
        # A send still waiting for its answer must never be taken for a lost one and sent again.
        raise ConfigError("SMS_UNCERTAIN_WAIT_SECONDS must be longer than SMS_TIMEOUT_SECONDS")
    return settings
