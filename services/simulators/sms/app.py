"""The SMS simulator's app factory; nothing is built or started at import time."""

from flask import Flask
from werkzeug.exceptions import HTTPException

from simulators.sms import api, control
from simulators.sms.config import load_settings
from simulators.sms.sending import SendRefused
from simulators.sms.state import STORE_KEY, Store


def create_app(config: dict[str, object] | None = None) -> Flask:
    """A simulator app; config keys override environment variables of the same names."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.extensions[STORE_KEY] = Store(load_settings(config))
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)

    @app.errorhandler(SendRefused)
    def refused(error: SendRefused):
        # Africa's Talking answers refusals in plain text.
        return error.text, error.status, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error.name, error.code or 500, {"Content-Type": "text/plain"}

    return app
