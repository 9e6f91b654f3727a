"""payments app factory."""

from flask import Flask

from common.app_factory import create_service_app

from .api import bp
from .cashup_api import bp as cashup_bp
from .config import mpesa_settings, settings
from .models import db
from .webhooks import bp as hooks_bp


def create_app(overrides: dict | None = None) -> Flask:
    """Build the payments app from the environment."""
    loaded = settings()
    app = create_service_app(loaded, db, [bp, cashup_bp, hooks_bp], overrides)
    app.extensions["tomtin"]["mpesa"] = mpesa_settings(loaded)
    return app
