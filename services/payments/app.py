"""payments app factory."""

from flask import Flask

from common.app_factory import create_service_app

from .api import BLUEPRINTS
from .config import mpesa_settings, settings, sms_settings
from .models import db


def create_app(overrides: dict | None = None) -> Flask:
    """Build the payments app from the environment."""
    loaded = settings()
    app = create_service_app(loaded, db, BLUEPRINTS, overrides)
    app.extensions["tomtin"]["mpesa"] = mpesa_settings(loaded)
    app.extensions["tomtin"]["sms"] = sms_settings(loaded)
    return app
