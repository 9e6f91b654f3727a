"""payments HTTP API for text messages (owner only): the Messages screen's list, the month's
count and cost, the alert switches and the numbers that get no messages."""

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable
from common.openapi import Blueprint

from ..messages_schemas import (
    AlertsChangeSchema,
    AlertsSchema,
    MessagesArgsSchema,
    MessageSchema,
    MessagesPageSchema,
    OptOutSchema,
)
from ..services import messages, messages_alerts
from .shared import idempotency_key, json_doc

bp = Blueprint("messages", __name__, url_prefix="/api/payments", description="Text messages")


@bp.get("/messages")
@login_required("owner")
@bp.arguments(MessagesArgsSchema, location="query")
@bp.doc(responses=json_doc(MessagesPageSchema, "Messages, newest first, with the month's count and cost"))
def list_messages(args: dict):
    """The newest 50 messages (older with `before_id`), this month's count and cost (KES), the
    alert switches per business, the phones alerts go to and the numbers that get no messages
    (owner; pollable)."""
    codes = check_business(current_principal(), args["business"], allow_all=True)
    page = {
        "items": messages.list_messages(codes, args["before_id"]),
        "month": messages.month_totals(codes),
        "alerts": messages.alert_settings(codes),
        "opt_outs": messages.opt_outs(),
        "alert_phones": [phone for _, phone, _ in messages_alerts.owner_phones()],
    }
    return pollable(*encode(MessagesPageSchema().dump(page)), audience="user")


@bp.post("/messages/<id:message_id>/resend")
@login_required("owner")
@bp.response(201, MessageSchema)
def resend_message(message_id: int):
    """Send a message that failed again, as a new message; once per Idempotency-Key (owner).
    409 for a message that did not fail."""
    principal = current_principal()
    return messages.resend(message_id, principal.businesses, str(idempotency_key()), principal.user_id)


@bp.put("/businesses/<business>/message-alerts")
@login_required("owner")
@bp.arguments(AlertsChangeSchema)
@bp.response(200, AlertsSchema)
def change_alerts(body: dict, business: str):
    """Turn the low-stock or daily-summary text alerts of a business on or off (owner)."""
    check_business(current_principal(), business)
    return messages.change_alerts(business, body)


@bp.put("/message-opt-outs/<phone>")
@login_required("owner")
@bp.response(200, OptOutSchema)
def stop_messages(phone: str):
    """Send no more messages to this number (owner); already stopped is fine."""
    number = messages.opt_out(phone, "owner")
    return next(o for o in messages.opt_outs() if o.phone == number)


@bp.delete("/message-opt-outs/<phone>")
@login_required("owner")
@bp.response(204)
def allow_messages(phone: str):
    """Let this number get messages again (owner; 404 if it never stopped)."""
    messages.opt_in(phone)
