"""Daraja's callbacks: secret in the path, body validated and stored raw, answered at once.

Never cached (the gateway routes /hooks/mpesa/ straight here) and never authenticated by token:
Daraja does not sign callbacks, so the path secret, the stored push and the amount are the checks.
"""

from __future__ import annotations

import hmac
import logging

from flask import current_app, request

from common.auth import public
from common.errors import InvalidInput, NotFound
from common.jsonbody import BadJson, loads
from common.openapi import Blueprint

from ..callbacks import BadCallback, parse_c2b, parse_stk
from ..services import c2b, daraja_refunds, stk_callbacks

bp = Blueprint("hooks", __name__, url_prefix="/hooks", description="M-Pesa callbacks (Daraja)")
log = logging.getLogger("tomtin.payments.hooks")
MAX_BODY = 16 * 1024
# Daraja's bodies are documented in DARAJA.md; here only their outline and our acknowledgement.
_HOOK_DOC = bp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    responses={
        200: {
            "description": "Accepted (Daraja stops retrying)",
            "content": {
                "application/json": {"schema": {"type": "object", "required": ["ResultCode", "ResultDesc"]}}
            },
        }
    },
)


def _source_ip() -> str | None:
    # Nginx appends the peer address last; anything before it is client-supplied.
    forwarded = request.headers.get("X-Forwarded-For", "")
    return (forwarded.split(",")[-1].strip() or request.remote_addr) if forwarded else request.remote_addr


def _checked_body(secret: str) -> tuple[object, str]:
    """The parsed JSON body, after the path secret matched in constant time."""
    expected = current_app.extensions["tomtin"]["mpesa"].webhook_secret
    if not hmac.compare_digest(secret.encode(), expected.encode()):
        log.warning("webhook with a wrong secret", extra={"fields": {"source_ip": _source_ip()}})
        raise NotFound("Not found.")
    raw = request.get_data(cache=False, as_text=False)
    if len(raw) > MAX_BODY:
        raise InvalidInput("The callback body is too large.")
    try:
        text = raw.decode()
        return loads(text), text
    except (UnicodeDecodeError, BadJson) as exc:
        raise InvalidInput("The callback body is not valid JSON.", {"_body": [str(exc)]}) from exc


def _parsed(parse, body: object):
    try:
        return parse(body)
    except BadCallback as exc:
        raise InvalidInput("The callback body is not a valid Daraja callback.", exc.errors) from exc


@bp.post("/mpesa/<secret>/stk")
@_HOOK_DOC
@public
def stk_callback(secret: str):
    """Store an STK callback raw and acknowledge it; a job on payments-high applies it."""
    body, raw = _checked_body(secret)
    callback_id = stk_callbacks.store_callback(_parsed(parse_stk, body), raw, _source_ip())
    stk_callbacks.enqueue_apply(callback_id)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}


@bp.post("/mpesa/<secret>/c2b/validation")
# Daraja refuses C2B URLs containing "mpesa": register these aliases instead.
@bp.post("/c2b/<secret>/validation")
@_HOOK_DOC
@public
def c2b_validation(secret: str):
    """Accept a well-formed C2B payment (the sale is matched at confirmation)."""
    body, _ = _checked_body(secret)
    _parsed(parse_c2b, body)
    return {"ResultCode": "0", "ResultDesc": "Accepted"}


@bp.post("/mpesa/<secret>/c2b/confirmation")
@bp.post("/c2b/<secret>/confirmation")
@_HOOK_DOC
@public
def c2b_confirmation(secret: str):
    """Store a C2B confirmation once and match it to a sale by account reference."""
    body, raw = _checked_body(secret)
    c2b.confirm(_parsed(parse_c2b, body), raw)
    return {"ResultCode": 0, "ResultDesc": "Success"}


def _refund_hook(secret: str, kind: str):
    body, raw = _checked_body(secret)
    try:
        result_id = daraja_refunds.store_result(kind, body, raw, _source_ip())
    except BadCallback as exc:
        raise InvalidInput("The callback body is not a valid Daraja result.", exc.errors) from exc
    daraja_refunds.enqueue_apply(result_id)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}


@bp.post("/mpesa/<secret>/refund/result")
@_HOOK_DOC
@public
def refund_result(secret: str):
    """A reversal's or B2C payment's result: stored raw, acknowledged, applied once by a job."""
    return _refund_hook(secret, "result")


@bp.post("/mpesa/<secret>/refund/timeout")
@_HOOK_DOC
@public
def refund_timeout(secret: str):
    """Daraja's queue timed out a refund request: stored; the refund's status is asked about next."""
    return _refund_hook(secret, "timeout")


@bp.post("/mpesa/<secret>/refund/status")
@_HOOK_DOC
@public
def refund_status(secret: str):
    """The transaction status query's answer about a refund: stored raw, applied once by a job."""
    return _refund_hook(secret, "status")
