"""The gateway under test: a real Nginx in front of real services, on free ports.

Its own small stack (no worker, scheduler or simulator), so the login rate limit and the
micro-cache here never interfere with the shared `stack` other tests use. Services log at
INFO so every request that reaches one is a line in `<run_dir>/<name>.log`.
"""

from __future__ import annotations

import json
import uuid

import pytest

from accounts.services import create_user
from common.auth import issue_token
from support.env import SECRET
from support.stack import Stack


@pytest.fixture(scope="session")
def gateway(wiper):
    running = Stack(only=("accounts", "inventory", "reporting", "gateway"))
    running.env["LOG_LEVEL"] = "INFO"
    running.start()
    yield running
    running.stop()


def upstream_hits(stack: Stack, service: str, request_id_prefix: str) -> int:
    """How many requests whose id starts with the prefix reached the service itself."""
    hits = 0
    for line in (stack.run_dir / f"{service}.log").read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "request" and str(entry.get("request_id", "")).startswith(request_id_prefix):
            hits += 1
    return hits


@pytest.fixture
def bust():
    """A query string unique to the test, so no cache entry of an earlier test is reused."""
    return f"?t={uuid.uuid4().hex}"


@pytest.fixture
def user_token(app_for):
    """Create a real user and return a token for them (as accounts would issue at login)."""

    def make(username: str, role: str, businesses: list[str]) -> str:
        with app_for("accounts").app_context():
            user = create_user(username, f"{username}-pass-2026", role, businesses)
            token, _ = issue_token(SECRET, user.id, username, role, businesses, 3600)
        return token

    return make
