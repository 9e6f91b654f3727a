"""Text messages: the ONE function other code calls to send one (`queue_message`), opt-outs,
the owner's alert settings, and what the owner's Messages screen shows.

A message is a row written in the caller's transaction; that row is its own outbox entry: the
sender job (messages_sender.py) picks it up, so a Redis outage or a killed worker only delays it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from common import businesses
from common.db import utcnow
from common.errors import Conflict, InvalidInput, NotFound
from common.phone import InvalidPhone, normalise_phone
from common.sms_length import sms_parts
from common.timeutil import NAIROBI

from ..message_models import Message, MessageSettings, OptOut
from ..models import db
from .messages_texts import render

log = logging.getLogger("tomtin.payments.messages")
KICK_KEY = "tomtin:payments:sms-kick"
KICK_DEBOUNCE_MS = 300
MAX_KEY = 120
PAGE = 50


def queue_message(
    business_id: str,
    phone: str,
    kind: str,
    params: Mapping[str, object],
    language: str = "en",
    customer_id: int | None = None,
    key: str | None = None,
    created_by: int | None = None,
    body: str | None = None,
) -> Message:
    """Queue one text message, in the caller's transaction (commit it to send).

    `kind`: receipt, laundry_ready, payment_reminder, low_stock or daily_summary; `params` fill
    its words (messages_texts.TEXTS); `language` "en" or "sw", the customer's. `key`, when given,
    makes the call idempotent: the same key again returns the first message and queues nothing
    (e.g. f"laundry-ready-{order_id}"). A number that opted out gets a row marked `opted_out` and
    nothing is sent. Bad input raises InvalidInput (a 4xx) and writes nothing.
    Call `kick()` after committing to send at once rather than within the next 2 s sweep.
    """
    try:
        number = normalise_phone(phone)
    except InvalidPhone as exc:
        raise InvalidInput(str(exc), {"phone": [str(exc)]}) from None
    if body is None:  # (a resend passes the first message's words)
        values = dict(params)
        if "business_name" not in values:
            values["business_name"] = businesses.find(db.session, business_id).name
        body = render(kind, language, values)
    if key is not None and not (isinstance(key, str) and 0 < len(key) <= MAX_KEY):
        raise InvalidInput("A message key is 1 to 120 characters.", {"key": ["1 to 120 characters"]})
    key = key or f"msg-{uuid.uuid4()}"
    opted_out = db.session.get(OptOut, number) is not None
    inserted = db.session.execute(
        insert(Message)
        .values(
            business=business_id,
            kind=kind,
            phone=number,
            customer_id=customer_id,
            language=language,
            body=body,
            parts=sms_parts(body),
            key=key,
            status="opted_out" if opted_out else "queued",
            failure_reason="This number asked for no more messages." if opted_out else None,
            next_attempt_at=None if opted_out else utcnow(),
            created_by=created_by,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Message.id)
    ).scalar()
    if inserted is None:
        log.info("message key %s queued before: nothing new", key)
    return db.session.scalars(
        sa.select(Message).where(Message.key == key).execution_options(populate_existing=True)
    ).one()


def kick() -> None:
    """Best effort: ask a worker to send now (the 2 s schedule is the backstop)."""
    from common.redis_conn import get_queue, queue_redis

    try:
        if queue_redis().set(KICK_KEY, b"1", nx=True, px=KICK_DEBOUNCE_MS):
            from ..jobs import send_messages  # jobs imports this module: resolve at call time

            get_queue("default").enqueue(send_messages, result_ttl=60)
    except Exception:  # noqa: BLE001 - the scheduled sweep sends it
        log.warning("could not kick the message sender", exc_info=True)


def resend(message_id: int, codes: tuple[str, ...], request_key: str, actor_id: int | None) -> Message:
    """The owner sends a message that failed again, as a new message (once per request key)."""
    first = db.session.get(Message, message_id)
    if first is None or first.business not in codes:
        raise NotFound(f"No message {message_id}.")
    if first.status != "failed":
        raise Conflict(f"Message {message_id} is {first.status}; only a message that failed is sent again.")
    copy = queue_message(
        first.business,
        first.phone,
        first.kind,
        {},
        first.language,
        first.customer_id,
        key=f"resend-{message_id}-{request_key}",
        created_by=actor_id,
        body=first.body,
    )
    db.session.commit()
    kick()
    return copy


# --- opt-outs -----------------------------------------------------------------------------
def _number(phone: str) -> str:
    try:
        return normalise_phone(phone)
    except InvalidPhone as exc:
        raise InvalidInput(str(exc), {"phone": [str(exc)]}) from None


def opt_out(phone: str, source: str) -> str:
    """`phone` gets no more messages (messages already queued to it are not sent either)."""
    number = _number(phone)
    db.session.execute(
        insert(OptOut).values(phone=number, source=source).on_conflict_do_nothing(index_elements=["phone"])
    )
    db.session.execute(
        sa.update(Message)
        .where(Message.phone == number, Message.status == "queued")
        .values(
            status="opted_out", failure_reason="This number asked for no more messages.", updated_at=utcnow()
        )
    )
    db.session.commit()
    return number


def opt_in(phone: str) -> str:
    """The owner lets `phone` get messages again (the customer asked)."""
    number = _number(phone)
    if db.session.execute(sa.delete(OptOut).where(OptOut.phone == number)).rowcount == 0:
        raise NotFound(f"{number} has not stopped messages.")
    db.session.commit()
    return number


def opt_outs() -> list[OptOut]:
    return list(db.session.scalars(sa.select(OptOut).order_by(OptOut.created_at.desc())))


# --- the owner's alerts -------------------------------------------------------------------
def alert_settings(codes: tuple[str, ...]) -> list[MessageSettings]:
    """Each business's alerts (both on where the owner never changed them)."""
    stored = {s.business: s for s in db.session.scalars(sa.select(MessageSettings))}
    return [
        stored.get(code) or MessageSettings(business=code, low_stock=True, daily_summary=True)
        for code in codes
    ]


def change_alerts(code: str, changes: Mapping[str, bool]) -> MessageSettings:
    businesses.find(db.session, code)
    values = {name: bool(changes[name]) for name in ("low_stock", "daily_summary") if name in changes}
    row = db.session.execute(
        insert(MessageSettings)
        .values(business=code, **values)
        .on_conflict_do_update(index_elements=["business"], set_={**values, "updated_at": utcnow()})
        .returning(MessageSettings)
    ).scalar_one()
    db.session.commit()
    return row


def alert_on(code: str, alert: str) -> bool:
    row = db.session.get(MessageSettings, code)
    return True if row is None else bool(getattr(row, alert))


# --- what the owner sees --------------------------------------------------------------------
def month_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The UTC [start, end) of the current Nairobi calendar month."""
    local = (now or utcnow()).astimezone(NAIROBI)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def month_totals(codes: tuple[str, ...], now: dt.datetime | None = None) -> dict[str, object]:
    """Messages the provider took this Nairobi month, and what they cost (Decimal KES)."""
    start, end = month_bounds(now)
    count, cost = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Message.cost), 0)).where(
            Message.business.in_(codes),
            Message.sent_at >= start,
            Message.sent_at < end,
        )
    ).one()
    return {
        "month": start.astimezone(NAIROBI).strftime("%Y-%m"),
        "count": count,
        "cost": Decimal(cost).quantize(Decimal("0.01")),
    }


def list_messages(codes: tuple[str, ...], before_id: int | None = None, limit: int = PAGE) -> list[Message]:
    query = sa.select(Message).where(Message.business.in_(codes))
    if before_id is not None:
        query = query.where(Message.id < before_id)
    return list(db.session.scalars(query.order_by(Message.id.desc()).limit(limit)))
