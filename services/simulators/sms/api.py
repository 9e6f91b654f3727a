"""Africa's Talking's own SMS paths (SMS.md): the form send and the JSON bulk send."""

from flask import Blueprint, current_app, jsonify, request

from simulators.sms import sending
from simulators.sms.state import STORE_KEY, Store

bp = Blueprint("sms", __name__)


def current_store() -> Store:
    return current_app.extensions[STORE_KEY]


@bp.post("/version1/messaging")
def send_form():
    """`application/x-www-form-urlencoded`: username, to (comma-separated), message, from."""
    store = current_store()
    sending.check_credentials(store, request.headers.get("apiKey"), request.form.get("username"))
    numbers = request.form.get("to", "").split(",")
    return _answer(sending.send(store, numbers, request.form.get("message"), request.form.get("from")))


@bp.post("/version1/messaging/bulk")
def send_bulk():
    """JSON: {username, phoneNumbers[], message, senderId}."""
    store = current_store()
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise sending.SendRefused(400, "The request body is not a JSON object")
    sending.check_credentials(store, request.headers.get("apiKey"), body.get("username"))
    numbers = body.get("phoneNumbers")
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        raise sending.SendRefused(400, "phoneNumbers must be a list of numbers")
    return _answer(sending.send(store, numbers, body.get("message"), body.get("senderId")))


def _answer(body: dict[str, object]):
    # 201 when the request was taken, even if every recipient failed (the rows say why).
    return jsonify(body), 201
