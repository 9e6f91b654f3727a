"""reporting app factory."""

from flask import Flask

from common.app_factory import create_service_app

from .api import bp
from .cli import rollup_command
from .config import settings
from .models import db


def create_app(overrides: dict | None = None) -> Flask:
    """Build the reporting app from the environment, with its `rollup` command."""
    app = create_service_app(settings(), db, [bp], overrides)
    app.cli.add_command(rollup_command)
    return app
