"""Production refuses to start with a secret anyone can read.

The development settings (scripts/dev.env), the test settings and Daraja's sandbox docs publish
these values; a deployment that copied one of them would sign tokens, accept callbacks or call
Daraja with a key that is public. Production is the production Daraja URL or TOMTIN_PRODUCTION=1.
"""

from __future__ import annotations

from collections.abc import Mapping

PRODUCTION_DARAJA_HOST = "api.safaricom.co.ke"
SECRET_VARIABLES = (
    "SECRET_KEY",
    "MPESA_WEBHOOK_SECRET",
    "MPESA_PASSKEY",
    "MPESA_CONSUMER_KEY",
    "MPESA_CONSUMER_SECRET",
    "MPESA_SECURITY_CREDENTIAL",
    "SMS_API_KEY",
    "SMS_WEBHOOK_SECRET",
)
# Exact values published in this repository or in Daraja's sandbox documentation.
KNOWN_VALUES = frozenset(
    {
        "dev-only-secret-0f3c9a7e5b2d4c6a8e1f3b5d7c9a2e4f",  # scripts/dev.env SECRET_KEY
        "dev-only-hook-secret-7c1e9a",  # scripts/dev.env MPESA_WEBHOOK_SECRET
        "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",  # Daraja sandbox passkey
        "sim-key",  # the simulator's consumer key and secret
        "sim-secret",
        "sim-sms-key",  # the SMS simulator's API key
        "test-secret-5d1b7e0c9a3f4e2b8c6d0a1f3e5b7c9d",  # the tests' SECRET_KEY
        "test-hook-secret-3f9a2c7e51",  # the tests' webhook secret
    }
)
# Whole families: every development value starts so, and compose's example says "CHANGE-ME".
KNOWN_MARKERS = ("dev-only-", "test-secret-", "change-me")


def is_production(env: Mapping[str, str]) -> bool:
    """Production: TOMTIN_PRODUCTION=1, or M-Pesa pointed at Safaricom's production API."""
    return env.get("TOMTIN_PRODUCTION", "") == "1" or PRODUCTION_DARAJA_HOST in env.get("MPESA_BASE_URL", "")


def published_secret(env: Mapping[str, str]) -> str | None:
    """In production, the first secret variable that holds a published value; else None."""
    if not is_production(env):
        return None
    for name in SECRET_VARIABLES:
        value = env.get(name, "").strip()
        if value and (value in KNOWN_VALUES or value.lower().startswith(KNOWN_MARKERS)):
            return name
    return None
