"""The test environment: its own database and Redis DB numbers, never the dev data.

TOMTIN_TEST_DB / TOMTIN_TEST_REDIS_QUEUE_DB / TOMTIN_TEST_REDIS_CACHE_DB let several
checkouts run their suites side by side on one machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from common.service_list import SERVICES

TEST_DB = os.environ.get("TOMTIN_TEST_DB", "tomtin_test")
QUEUE_DB = int(os.environ.get("TOMTIN_TEST_REDIS_QUEUE_DB", "14"))
CACHE_DB = int(os.environ.get("TOMTIN_TEST_REDIS_CACHE_DB", "15"))
PG = os.environ.get("TOMTIN_TEST_PG", "127.0.0.1:5432")
REDIS = os.environ.get("TOMTIN_TEST_REDIS", "127.0.0.1:6379")
SECRET = "test-secret-5d1b7e0c9a3f4e2b8c6d0a1f3e5b7c9d"
MPESA_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
MPESA_WEBHOOK_SECRET = "test-hook-secret-3f9a2c7e51"
SMS_API_KEY = "sim-sms-key"
SMS_WEBHOOK_SECRET = "test-secret-sms-hook-8e2c4a"

PG_SECRETS = Path(os.environ.get("TOMTIN_PG_SECRETS") or Path.home() / ".config/tomtin/postgres.env")


def pg_password(name: str) -> str:
    """A role's password from the file scripts/db-passwords.sh keeps outside the repo ("" if none:
    a server that trusts loopback, or the fast lane, which never connects)."""
    try:
        lines = PG_SECRETS.read_text().splitlines()
    except FileNotFoundError:
        return ""
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return values.get(f"TOMTIN_PG_PASSWORD_{name.upper()}", "")


def pg_login(role: str, name: str) -> str:
    """`role:password` (or just `role`) for a URL."""
    password = pg_password(name)
    return f"{role}:{password}" if password else role


def service_environment() -> dict[str, str]:
    """Environment variables every test process (and the stack it starts) runs with."""
    env = {
        "SECRET_KEY": SECRET,
        "DATABASE_ADMIN_URL": admin_url("postgres"),
        "REDIS_QUEUE_URL": f"redis://{REDIS}/{QUEUE_DB}",
        "REDIS_CACHE_URL": f"redis://{REDIS}/{CACHE_DB}",
        "TOMTIN_TESTING": "1",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        # payments' M-Pesa settings (the stack points MPESA_BASE_URL at its simulator).
        "MPESA_CONSUMER_KEY": "sim-key",
        "MPESA_CONSUMER_SECRET": "sim-secret",
        "MPESA_PASSKEY": MPESA_PASSKEY,
        "MPESA_SHORTCODE": "174379",
        "MPESA_WEBHOOK_SECRET": MPESA_WEBHOOK_SECRET,
        "MPESA_SECURITY_CREDENTIAL": "test-secret-security-credential-8d2f",
        "MPESA_QUERY_AFTER_SECONDS": "2",
        "MPESA_QUERY_MAX_ATTEMPTS": "4",
        "MPESA_QUERY_MAX_BACKOFF_SECONDS": "2",
        "MPESA_TIMEOUT_SECONDS": "5",
        # Text messages (the stack points SMS_BASE_URL at its SMS simulator): quick retries.
        "SMS_API_KEY": SMS_API_KEY,
        "SMS_WEBHOOK_SECRET": SMS_WEBHOOK_SECRET,
        "SMS_RETRY_FIRST_SECONDS": "1",
        "SMS_RETRY_CAP_SECONDS": "2",
        "SMS_MAX_ATTEMPTS": "4",
        "SMS_TIMEOUT_SECONDS": "3",
        "SMS_UNCERTAIN_WAIT_SECONDS": "5",
    }
    for service in SERVICES:
        login = pg_login(f"tomtin_{service}", service)
        env[f"{service.upper()}_DATABASE_URL"] = f"postgresql+psycopg://{login}@{PG}/{TEST_DB}"
    return env


def admin_url(database: str = TEST_DB) -> str:
    """Superuser URL, for resetting the test database between tests."""
    return f"postgresql+psycopg://{pg_login('postgres', 'admin')}@{PG}/{database}"
