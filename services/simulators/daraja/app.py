"""The simulator's app factory; nothing is built or started at import time."""

from flask import Flask
from werkzeug.exceptions import HTTPException

from simulators.daraja import api, control, ids
from simulators.daraja.config import load_settings
from simulators.daraja.errors import DarajaError
from simulators.daraja.state import STORE_KEY, Store


def create_app(config: dict[str, object] | None = None) -> Flask:
    """A simulator app; config keys override environment variables of the same names."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep Daraja's field order, for humans reading the bodies
    app.extensions[STORE_KEY] = Store(load_settings(config))
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    register_errorhandlers(app)
    return app


def register_errorhandlers(app: Flask) -> None:
    """Answer every error in Daraja's shape, including Flask's own 404 and 405."""

    @app.errorhandler(DarajaError)
    def daraja_error(error: DarajaError) -> tuple[dict[str, str], int]:
        return error.body(), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[dict[str, str], int]:
        status = error.code or 500
        body = {"requestId": ids.request_id(), "errorCode": f"{status}.001.01", "errorMessage": error.name}
        return body, status
