"""The app factory every service uses: it reads like a table of contents."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask.sessions import SessionInterface
from flask_smorest import Blueprint
from flask_sqlalchemy import SQLAlchemy

from .cache import cache, cache_config
from .config import Settings
from .db import drop_hung_up_connections
from .errors import register_error_handlers
from .health import health_blueprint
from .ids import IdConverter, id_param_schema
from .jsonbody import register_json_guard
from .logs import configure_logging, register_request_logging
from .openapi import make_api
from .service_list import api_segment


def create_service_app(
    settings: Settings,
    db: SQLAlchemy,
    blueprints: Iterable[Blueprint],
    overrides: dict | None = None,
) -> Flask:
    """Build a service's Flask app from validated settings, its db and its blueprints."""
    app = Flask(settings.service)
    app.session_interface = NoCookieSession()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        TESTING=settings.testing,
        API_TITLE=f"tomtin {settings.service}",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=f"/api/{api_segment(settings.service)}",
        OPENAPI_JSON_PATH="openapi.json",
        TOMTIN_CACHE_ENABLED=True,
        **cache_config(settings.service, settings.redis_cache_url, settings.testing),
    )
    app.config.update(overrides or {})
    app.extensions["tomtin"] = {"settings": settings}
    configure_logging(settings.service, settings.log_level)
    register_extensions(app, db)
    register_blueprints(app, db, blueprints)
    # After Api(), so ours replace flask-smorest's default error handlers.
    register_error_handlers(app)
    register_json_guard(app)
    register_request_logging(app)
    return app


def register_extensions(app: Flask, db: SQLAlchemy) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            drop_hung_up_connections(engine)
    cache.init_app(app)


def register_blueprints(app: Flask, db: SQLAlchemy, blueprints: Iterable[Blueprint]) -> None:
    app.url_map.converters["id"] = IdConverter
    api = make_api(app)
    api.register_converter(IdConverter, id_param_schema)
    for bp in blueprints:
        api.register_blueprint(bp)
    app.register_blueprint(health_blueprint(lambda: db.engine))
    app.extensions["tomtin"]["api"] = api


class NoCookieSession(SessionInterface):
    """The services answer bearer tokens and never use Flask's cookie session, which Flask would
    otherwise open (a signing serializer built, the cookies parsed) on every request."""

    def open_session(self, app: Flask, request: object) -> None:
        return None  # Flask then uses its null session, which refuses any write

    def save_session(self, app: Flask, session: object, response: object) -> None:
        return None
