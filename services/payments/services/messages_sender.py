"""Sending text messages exactly once, and applying Africa's Talking's delivery reports.

A message is claimed (status `sending`, committed) before the provider is called, and the
answer is recorded after. Africa's Talking has no idempotency key and no status query
(SMS.md), so a send whose answer never came back (worker killed, timeout) is settled by the
provider's own later word: its delivery report names the phone, and a report for an id we never
recorded is matched to that phone's message still `sending`. Only if no report names it within
SMS_UNCERTAIN_WAIT_SECONDS is it sent again; for a number whose network sends no reports that
can mean a second copy (at least once, never silently lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from common.backoff import Backoff
from common.db import utcnow
from common.errors import InvalidInput, NotFound
from common.phone import InvalidPhone, normalise_phone

from ..config import SmsSettings
from ..message_models import Message, OptOut
from ..models import db
from ..sms import TRANSIENT_CODES, SendAnswer, SmsClient, SmsUnavailable, from_e164

log = logging.getLogger("tomtin.payments.messages")
BATCH = 10  # x SMS_TIMEOUT_SECONDS stays inside the job's 120 s timeout
FINAL_REPORTS = {
    "Success": "delivered",
    "Failed": "failed",
    "Rejected": "failed",
    "AbsentSubscriber": "failed",
    "Expired": "failed",
}
INTERIM_REPORTS = ("Sent", "Submitted", "Buffered")
# Why a message failed, as a code the PWA words in both languages (REASONS: the English).
SEND_REASONS = {
    403: "invalid_number",
    404: "invalid_number",
    405: "no_credit",
    406: "blocked",
}
REPORT_REASONS = {
    "UserInBlackList": "blocked",
    "UserInBlacklist": "blocked",
    "DoNotDisturbRejection": "blocked",
    "UserDoesNotExist": "invalid_number",
    "NotNetworkSubcriber": "invalid_number",
    "AbsentSubscriber": "unreachable",
    "Expired": "unreachable",
}
REASONS = {
    "invalid_number": "This number cannot get text messages.",
    "no_credit": "The text-message account has run out of credit. Top it up, then send again.",
    "blocked": "The customer has blocked messages from us.",
    "unreachable": "The phone was off or out of reach for too long.",
    "not_delivered": "The network could not deliver it.",
    "refused": "The text-message service refused it.",
    "gave_up": "The text-message service could not be reached after several tries.",
    "opted_out": "This number asked for no more messages.",
}


def sms_settings() -> SmsSettings:
    return current_app.extensions["tomtin"]["sms"]


def send_due(batch: int = BATCH) -> dict[str, int]:
    """Send up to `batch` due messages; first give unanswered sends past the wait another go."""
    settings = sms_settings()
    counts = {"requeued": _requeue_unanswered(settings), "sent": 0, "failed": 0, "retry": 0, "unknown": 0}
    client = SmsClient(settings)
    for _ in range(batch):
        message = _claim()
        if message is None:
            break
        counts[_send(client, settings, message)] += 1
    return counts


def _requeue_unanswered(settings: SmsSettings) -> int:
    cutoff = utcnow() - dt.timedelta(seconds=settings.uncertain_wait_seconds)
    ids = db.session.scalars(
        sa.update(Message)
        .where(Message.status == "sending", Message.provider_id.is_(None), Message.sending_since < cutoff)
        .values(status="queued", next_attempt_at=utcnow(), sending_since=None, updated_at=utcnow())
        .returning(Message.id)
    ).all()
    db.session.commit()
    for message_id in ids:
        log.warning("message %s: no answer and no delivery report; sending it again", message_id)
    return len(ids)


def _claim() -> Message | None:
    """The next due message, marked `sending` and committed before the provider is called."""
    message = db.session.scalars(
        sa.select(Message)
        .where(Message.status == "queued", Message.next_attempt_at <= utcnow())
        .order_by(Message.next_attempt_at, Message.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if message is None:
        db.session.rollback()
        return None
    if db.session.get(OptOut, message.phone) is not None:
        _fail(message, "opted_out", status="opted_out")
        db.session.commit()
        return _claim()
    message.status = "sending"
    message.attempts += 1
    message.sending_since = utcnow()
    db.session.commit()
    return message


def _send(client: SmsClient, settings: SmsSettings, message: Message) -> str:
    message_id, phone, body = message.id, message.phone, message.body
    try:
        answer = client.send(phone, body)
    except SmsUnavailable as exc:
        if exc.uncertain:
            log.warning("message %s: %s; waiting for a delivery report before sending again", message_id, exc)
            return "unknown"
        return _retry_later(message_id, settings, str(exc))
    if not answer.accepted and answer.status_code in TRANSIENT_CODES:
        return _retry_later(message_id, settings, answer.status)
    return _record(message_id, answer, settings)


def _locked(message_id: int) -> Message:
    return db.session.scalars(
        sa.select(Message)
        .where(Message.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _retry_later(message_id: int, settings: SmsSettings, why: str) -> str:
    message = _locked(message_id)
    if message.status != "sending":  # a report settled it meanwhile
        db.session.commit()
        return "sent"
    if message.attempts >= settings.max_attempts:
        _fail(message, "gave_up", provider_status=why[:32])
        db.session.commit()
        return "failed"
    delay = Backoff(
        settings.retry_first_seconds, settings.retry_cap_seconds, message.attempts - 1
    ).next_delay()
    message.status = "queued"
    message.sending_since = None
    message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
    log.info("message %s: %s; next try in %.0f s", message_id, why, delay)
    db.session.commit()
    return "retry"


def _record(message_id: int, answer: SendAnswer, settings: SmsSettings) -> str:
    message = _locked(message_id)
    if not answer.accepted:
        _fail(message, SEND_REASONS.get(answer.status_code, "refused"), provider_status=answer.status[:32])
        db.session.commit()
        return "failed"
    if message.provider_id is None:
        message.provider_id = answer.message_id
    message.cost = answer.cost if answer.cost is not None else _estimate(message, settings)
    message.sent_at = message.sent_at or utcnow()
    if message.status == "sending":  # a report may have arrived first and settled it
        message.status = "sent"
        message.provider_status = answer.status[:32]
    message.sending_since = None
    db.session.commit()
    return "sent"


def _estimate(message: Message, settings: SmsSettings) -> Decimal:
    return Decimal(settings.rate) * message.parts


def _fail(message: Message, reason: str, status: str = "failed", provider_status: str | None = None) -> None:
    message.status = status
    message.failure_reason = reason
    message.sending_since = None
    message.next_attempt_at = None
    if provider_status:
        message.provider_status = provider_status


# --- delivery reports -------------------------------------------------------------------------
def apply_report(form: dict[str, str]) -> str:
    """Apply one delivery report; duplicates change nothing. NotFound for an id we never sent."""
    provider_id = (form.get("id") or "").strip()
    status = (form.get("status") or "").strip()
    errors = {}
    if not 0 < len(provider_id) <= 64 or provider_id == "None":
        errors["id"] = ["must be the message id the send answer gave"]
    if status not in FINAL_REPORTS and status not in INTERIM_REPORTS:
        errors["status"] = [f"must be one of {', '.join([*FINAL_REPORTS, *INTERIM_REPORTS])}"]
    if errors:
        raise InvalidInput("The delivery report is not valid.", errors)
    message = db.session.scalars(
        sa.select(Message).where(Message.provider_id == provider_id).with_for_update()
    ).first() or _unanswered_send(form.get("phoneNumber") or "", provider_id)
    if message is None:
        db.session.rollback()
        raise NotFound("No message with that id.")
    outcome = _apply(message, status, (form.get("failureReason") or "").strip())
    db.session.commit()
    return outcome


def _unanswered_send(phone: str, provider_id: str) -> Message | None:
    """The phone's message whose send answer we never recorded: this report is its only news."""
    try:
        number = normalise_phone(from_e164(phone))
    except InvalidPhone:
        return None
    message = db.session.scalars(
        sa.select(Message)
        .where(Message.phone == number, Message.status == "sending", Message.provider_id.is_(None))
        .order_by(Message.sending_since, Message.id)
        .limit(1)
        .with_for_update()
    ).first()
    if message is not None:
        log.warning(
            "message %s: its send answer was lost; the delivery report names it %s", message.id, provider_id
        )
        message.provider_id = provider_id
        message.sent_at = message.sent_at or utcnow()
        message.cost = message.cost if message.cost is not None else _estimate(message, sms_settings())
    return message


def _apply(message: Message, status: str, failure_reason: str) -> str:
    if message.status in ("delivered", "failed"):
        return "duplicate"
    if status in INTERIM_REPORTS:
        if message.provider_status == status and message.status == "sent":
            return "duplicate"
        message.status, message.provider_status = "sent", status
        message.sending_since = None
        return "interim"
    message.provider_status = status
    message.sending_since = None
    if FINAL_REPORTS[status] == "delivered":
        message.status, message.delivered_at = "delivered", utcnow()
        return "delivered"
    message.status = "failed"
    message.failure_reason = (
        REPORT_REASONS.get(failure_reason) or REPORT_REASONS.get(status) or "not_delivered"
    )
    return "failed"
