"""Test-control endpoints under /simulator/ (not Daraja paths): inspect and steer the simulator."""

from flask import Blueprint, request

from simulators.daraja import money_back
from simulators.daraja.api import current_store
from simulators.daraja.errors import DarajaError
from simulators.daraja.validation import digits

bp = Blueprint("simulator", __name__)


@bp.get("/simulator/pushes")
def pushes() -> dict[str, object]:
    """All pushes with their state and the callbacks delivered so far."""
    return {"pushes": current_store().push_views()}


@bp.get("/simulator/transfers")
def transfers() -> dict[str, object]:
    """B2C payments and reversals with their planned outcome and deliveries."""
    return {"transfers": money_back.views(current_store())}


@bp.get("/simulator/c2b")
def c2b() -> dict[str, object]:
    """Registered C2B URLs and simulated payments with their notifications."""
    return current_store().c2b_view()


@bp.post("/simulator/c2b/external-validation")
def external_validation() -> dict[str, object]:
    """Turn C2B validation calls on or off for a shortcode: {"ShortCode", "enabled": bool}."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise DarajaError(400, "400.002.02", "Bad Request - Invalid JSON body")
    shortcode = digits(body, "ShortCode", 5, 7)
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise DarajaError(400, "400.002.02", "Bad Request - Invalid enabled")
    current_store().set_external_validation(shortcode, enabled)
    return {"ShortCode": shortcode, "enabled": enabled}


@bp.post("/simulator/expire-tokens")
def expire_tokens() -> dict[str, str]:
    """Invalidate every issued access token."""
    current_store().expire_tokens()
    return {"status": "ok"}


@bp.get("/simulator/config")
def get_config() -> dict[str, float]:
    """The current delays."""
    return current_store().settings.delays()


@bp.post("/simulator/config")
def set_config() -> dict[str, float]:
    """Change delays for pushes and payments made from now on."""
    changes = request.get_json(force=True, silent=True)
    if not isinstance(changes, dict):
        raise DarajaError(400, "400.002.02", "Bad Request - Invalid JSON body")
    try:
        return current_store().update_delays(changes).delays()
    except ValueError as exc:
        raise DarajaError(400, "400.002.02", f"Bad Request - {exc}") from None


@bp.post("/simulator/reset")
def reset() -> dict[str, str]:
    """Forget pushes and C2B data, cancel pending callbacks, restore startup delays."""
    current_store().reset()
    return {"status": "ok"}


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness check."""
    return {"status": "ok"}
