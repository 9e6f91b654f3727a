"""payments refuses to start on missing or unsafe M-Pesa settings, naming the variable."""

import pytest

from common.config import ConfigError, load_settings
from payments.config import REQUIRED, mpesa_settings, sms_settings
from support.env import service_environment

pytestmark = pytest.mark.unit


def _load(**changes):
    env = {**service_environment(), **changes}
    env = {k: v for k, v in env.items() if v is not None}
    return mpesa_settings(load_settings("payments", REQUIRED, env), env)


@pytest.mark.parametrize("name", REQUIRED)
def test_a_missing_secret_stops_the_service(name):
    with pytest.raises(ConfigError, match=name):
        _load(**{name: None})


def test_safaricom_needs_an_https_callback():
    with pytest.raises(ConfigError, match="MPESA_CALLBACK_BASE_URL"):
        _load(MPESA_BASE_URL="https://sandbox.safaricom.co.ke", MPESA_CALLBACK_BASE_URL="http://example.com")
    assert _load(
        MPESA_BASE_URL="https://sandbox.safaricom.co.ke", MPESA_CALLBACK_BASE_URL="https://x.example"
    )


def test_bad_tunables_are_refused():
    with pytest.raises(ConfigError, match="MPESA_TRANSACTION_TYPE"):
        _load(MPESA_TRANSACTION_TYPE="Cash")
    with pytest.raises(ConfigError):
        _load(MPESA_QUERY_AFTER_SECONDS="soon")
    with pytest.raises(ConfigError, match="16"):
        _load(MPESA_WEBHOOK_SECRET="short")


def _load_sms(**changes):
    env = {**service_environment(), **changes}
    env = {k: v for k, v in env.items() if v is not None}
    return sms_settings(load_settings("payments", REQUIRED, env), env)


def test_bad_text_message_settings_are_refused():
    assert _load_sms().username == "sandbox"
    with pytest.raises(ConfigError, match="SMS_WEBHOOK_SECRET"):
        _load_sms(SMS_WEBHOOK_SECRET="short")
    with pytest.raises(ConfigError, match="SMS_BASE_URL"):
        _load_sms(SMS_BASE_URL="ftp://example.com")
    with pytest.raises(ConfigError, match="SMS_SENDER_ID"):
        _load_sms(SMS_SENDER_ID="A-SENDER-ID-TOO-LONG")
    with pytest.raises(ConfigError, match="SMS_"):
        _load_sms(SMS_MAX_ATTEMPTS="many")
    with pytest.raises(ConfigError, match="SMS_UNCERTAIN_WAIT_SECONDS"):
        _load_sms(SMS_TIMEOUT_SECONDS="10", SMS_UNCERTAIN_WAIT_SECONDS="10")
