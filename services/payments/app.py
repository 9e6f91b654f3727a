"""payments app factory."""

from flask import Flask

from common.app_factory import create_service_app

from .api import bp
from .config import settings
from .models import db


def create_app(overrides: dict | None = None) -> Flask:
    """Build the payments app from the environment."""
    return create_service_app(settings(), db, [bp], overrides)
