"""Africa's Talking's callbacks: delivery reports and opt-outs, form-encoded, secret in the path.

Never cached (the gateway routes /hooks/sms/ straight here) and never authenticated by token:
Africa's Talking does not sign callbacks, so the path secret and the message id are the checks.
A wrong secret is a 404 and an unknown id a 404 too: nothing changes either way.
"""

from __future__ import annotations

import hmac
import logging

from flask import current_app, request

from common.auth import public
from common.errors import InvalidInput, NotFound
from common.openapi import Blueprint

from ..services import messages, messages_sender
from ..sms import from_e164

bp = Blueprint(
    "sms_hooks", __name__, url_prefix="/hooks/sms", description="Text-message callbacks (Africa's Talking)"
)
log = logging.getLogger("tomtin.payments.sms_hooks")
MAX_BODY = 4 * 1024
_FORM_DOC = bp.doc(
    requestBody={
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
    },
    responses={
        200: {"description": "Taken", "content": {"application/json": {"schema": {"type": "object"}}}}
    },
)


def _checked_form(secret: str) -> dict[str, str]:
    expected = current_app.extensions["tomtin"]["sms"].webhook_secret
    if not hmac.compare_digest(secret.encode(), expected.encode()):
        log.warning("SMS hook with a wrong secret")
        raise NotFound("Not found.")
    if (request.content_length or 0) > MAX_BODY:
        raise InvalidInput("The callback body is too large.")
    return {key: value for key, value in request.form.items()}


@bp.post("/<secret>/delivery")
@_FORM_DOC
@public
def delivery_report(secret: str):
    """A delivery report (id, status, phoneNumber, failureReason): applied at once; a duplicate
    changes nothing; an id we never sent is a 404."""
    outcome = messages_sender.apply_report(_checked_form(secret))
    return {"outcome": outcome}


@bp.post("/<secret>/opt-out")
@_FORM_DOC
@public
def opt_out(secret: str):
    """A customer replied STOP (senderId, phoneNumber): that number gets no more messages."""
    form = _checked_form(secret)
    number = messages.opt_out(from_e164(form.get("phoneNumber", "")), "reply")
    return {"phone": number}
