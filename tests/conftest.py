"""Shared fixtures: test env, fresh migrated database, per-test wipe, apps, tokens, the stack.

Importing this file changes nothing: the test environment is set by `pytest_configure`, and
the database and Redis are touched only by fixtures, never for tests marked `unit` (the fast
lane, `make test-unit`, which runs with no PostgreSQL or Redis at all).
"""

from __future__ import annotations

import importlib
import os

import pytest
from redis import Redis

from common.auth import issue_token
from support import database
from support.businesses import BUSINESSES
from support.env import SECRET, service_environment


def pytest_configure(config):
    """Before any test module is collected (some read settings when imported)."""
    os.environ.update(service_environment())


def pytest_collection_modifyitems(items):
    """Tests on the real stack run last: once started, its worker and scheduler keep consuming the
    test queues and sweeping the test tables, which unit tests run after them would race with."""
    items.sort(key=lambda item: "stack" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def wiper():
    database.recreate()
    return database.Wiper()


@pytest.fixture(autouse=True)
def clean_state(request):
    """Every test starts with empty tables and empty test Redis DBs (unit tests use neither)."""
    if request.node.get_closest_marker("unit"):
        yield
        return
    request.getfixturevalue("wiper").wipe()
    for url in (os.environ["REDIS_QUEUE_URL"], os.environ["REDIS_CACHE_URL"]):
        Redis.from_url(url).flushdb()
    yield


_apps: dict = {}


def service_app(name: str):
    """Build each service's app once per test session."""
    if name not in _apps:
        _apps[name] = importlib.import_module(f"{name}.app").create_app()
    return _apps[name]


@pytest.fixture
def app_for():
    return service_app


@pytest.fixture
def token_for():
    """Make a signed token for a role and businesses (what accounts would issue)."""

    def make(role: str = "owner", businesses=BUSINESSES, user_id: int = 1, ttl: int = 3600) -> str:
        token, _ = issue_token(SECRET, user_id, f"user{user_id}", role, list(businesses), ttl)
        return token

    return make


@pytest.fixture
def auth(token_for):
    """Authorization headers for a role/businesses."""

    def make(role: str = "owner", businesses=BUSINESSES, user_id: int = 1) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(role, businesses, user_id)}"}

    return make


@pytest.fixture(scope="session")
def stack(wiper):
    """The real system: gunicorn services, worker, scheduler, simulator and Nginx."""
    from support.stack import Stack

    running = Stack()
    running.start()
    yield running
    running.stop()
