"""Configuration is validated at start: a missing secret stops the service, naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.config import ConfigError, load_settings
from support.env import service_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.unit
def test_missing_secret_names_the_variable():
    env = {k: v for k, v in service_environment().items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings("inventory", env=env)


@pytest.mark.unit
def test_missing_database_url_names_the_variable():
    env = {k: v for k, v in service_environment().items() if k != "PAYMENTS_DATABASE_URL"}
    with pytest.raises(ConfigError, match="PAYMENTS_DATABASE_URL"):
        load_settings("payments", env=env)


@pytest.mark.unit
def test_short_secret_is_refused():
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings("accounts", env={**service_environment(), "SECRET_KEY": "short"})


@pytest.mark.parametrize("service", ["accounts", "inventory", "payments", "reporting"])
def test_service_process_refuses_to_start_without_secret(service):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["PYTHONPATH"] = str(ROOT / "services")
    result = subprocess.run(
        [sys.executable, "-c", f"import {service}.wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "missing required environment variable SECRET_KEY" in result.stderr


DEV_ENV = dict(
    line.split("=", 1)
    for line in (ROOT / "scripts/dev.env").read_text().splitlines()
    if line and not line.startswith("#")
)
PRODUCTION = {"MPESA_BASE_URL": "https://api.safaricom.co.ke"}
SECRETS = (
    "SECRET_KEY",
    "MPESA_WEBHOOK_SECRET",
    "MPESA_PASSKEY",
    "MPESA_CONSUMER_KEY",
    "MPESA_CONSUMER_SECRET",
    "MPESA_SECURITY_CREDENTIAL",
    "SMS_API_KEY",
    "SMS_WEBHOOK_SECRET",
)
OWN = {name: f"own-{name.lower()}-a81f3c9d27e64b05b1c8d3e7f9a2c4e6" for name in SECRETS}


@pytest.mark.unit
@pytest.mark.parametrize("production", [PRODUCTION, {"TOMTIN_PRODUCTION": "1"}], ids=["daraja-url", "flag"])
@pytest.mark.parametrize("name", SECRETS)
def test_production_refuses_each_development_secret_naming_it(production, name):
    env = {**service_environment(), **OWN, **production, name: DEV_ENV[name]}
    with pytest.raises(ConfigError, match=name):
        load_settings("payments", env=env)


@pytest.mark.unit
def test_production_refuses_the_tests_and_the_example_placeholders():
    for value in (service_environment()["SECRET_KEY"], "CHANGE-ME-please-0123456789abcdef0123"):
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            load_settings("accounts", env={**service_environment(), **OWN, **PRODUCTION, "SECRET_KEY": value})


@pytest.mark.unit
def test_production_with_its_own_secrets_starts_and_development_keeps_its_own():
    assert load_settings("payments", env={**service_environment(), **OWN, **PRODUCTION}).secret_key
    assert load_settings("payments", env={**service_environment(), **DEV_ENV}).secret_key
