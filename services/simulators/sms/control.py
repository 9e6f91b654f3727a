"""Test-control endpoints under /simulator/ (not Africa's Talking paths)."""

from flask import Blueprint, request

from simulators.sms.api import current_store
from simulators.sms.reports import post_form
from simulators.sms.sending import DEFAULT_SENDER, SendRefused

bp = Blueprint("sms_simulator", __name__)


@bp.get("/simulator/messages")
def messages() -> dict[str, object]:
    """Every recipient of every send: id, number, text, status, cost, scenario, report, deliveries."""
    return {"messages": current_store().views()}


@bp.post("/simulator/opt-out")
def opt_out() -> dict[str, object]:
    """A subscriber replies STOP: post {senderId, phoneNumber} to the opt-out URL now."""
    body = request.get_json(force=True, silent=True)
    number = body.get("phoneNumber") if isinstance(body, dict) else None
    if not isinstance(number, str) or not number:
        raise SendRefused(400, 'Send {"phoneNumber": "+2547..."}')
    url = current_store().settings.optout_url
    if not url:
        raise SendRefused(409, "No opt-out URL is set (SIM_SMS_OPTOUT_URL)")
    sender = body.get("senderId") or DEFAULT_SENDER
    response = post_form(url, {"senderId": sender, "phoneNumber": number}, "opt-out", lambda d: None)
    return {"status_code": response.status_code if response is not None else None}


@bp.get("/simulator/config")
def get_config() -> dict[str, object]:
    return current_store().settings.view()


@bp.post("/simulator/config")
def set_config() -> dict[str, object]:
    """Change delays or URLs, e.g. {"SIM_SMS_REPORT_DELAY_SECONDS": 0.1}; bad values → 400, no change."""
    store = current_store()
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise SendRefused(400, "Send a JSON object")
    try:
        store.settings = store.settings.changed(body)
    except ValueError as exc:
        raise SendRefused(400, str(exc)) from None
    return store.settings.view()


@bp.post("/simulator/reset")
def reset() -> dict[str, str]:
    """Forget every message, cancel reports not yet posted, restore the start-up settings."""
    current_store().reset()
    return {"status": "reset"}


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
