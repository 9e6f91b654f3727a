"""inventory app factory."""

import os

from flask import Flask

from common.app_factory import create_service_app

from .api import bp
from .config import settings
from .models import db


def create_app(overrides: dict | None = None) -> Flask:
    """Build the inventory app from the environment."""
    # TOMTIN_CACHE_DISABLED=1 runs without the Redis cache (the benchmark's baseline).
    env = {"TOMTIN_CACHE_ENABLED": False} if os.environ.get("TOMTIN_CACHE_DISABLED") == "1" else {}
    return create_service_app(settings(), db, [bp], {**env, **(overrides or {})})
