"""Configuration is validated at start: a missing secret stops the service, naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.config import ConfigError, load_settings
from support.env import service_environment

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_missing_secret_names_the_variable():
    env = {k: v for k, v in service_environment().items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings("inventory", env=env)


def test_missing_database_url_names_the_variable():
    env = {k: v for k, v in service_environment().items() if k != "PAYMENTS_DATABASE_URL"}
    with pytest.raises(ConfigError, match="PAYMENTS_DATABASE_URL"):
        load_settings("payments", env=env)


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
