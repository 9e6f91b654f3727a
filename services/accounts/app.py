"""accounts app factory."""

from flask import Flask

from common.app_factory import create_service_app

from .api import bp
from .config import settings
from .models import db


def create_app(overrides: dict | None = None) -> Flask:
    """Build the accounts app from the environment."""
    # accounts answers the gateway's logout check (GET /api/auth/session): it reads the denylist
    # on every request instead of trusting a verdict of the last second (common.auth).
    return create_service_app(settings(), db, [bp], {"TOMTIN_DENYLIST_SECONDS": 0, **(overrides or {})})
