"""reporting fixtures: the app context and a known history."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Tests import with importlib mode, so this folder's helper modules need to be on the path
# (a `reporting` package name would clash with the service).
sys.path.insert(0, str(Path(__file__).parent))

import known  # noqa: E402


@pytest.fixture
def app(app_for):
    return app_for("reporting")


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def history():
    return known.build()
