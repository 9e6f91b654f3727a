"""Text-message tables (migration 0010): each message row is also its own outbox entry."""

from __future__ import annotations

import sqlalchemy as sa

from common.db import created_at_column, updated_at_column

from .models import db

KINDS = ("receipt", "laundry_ready", "payment_reminder", "low_stock", "daily_summary")
# queued → sending → sent → delivered | failed; opted_out is never sent. "sending" with no
# provider id is a send whose answer we never recorded (see services/messages_sender.py).
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "opted_out")
LANGUAGES = ("en", "sw")


class Message(db.Model):
    __tablename__ = "messages"

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    business = sa.Column(sa.String(16), nullable=False)
    kind = sa.Column(sa.String(24), nullable=False)
    phone = sa.Column(sa.String(12), nullable=False)
    customer_id = sa.Column(sa.BigInteger)
    language = sa.Column(sa.String(2), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    parts = sa.Column(sa.Integer, nullable=False)
    # The caller's idempotency key (or a fresh one): queueing the same key twice queues one message.
    key = sa.Column(sa.String(120), nullable=False, unique=True)
    status = sa.Column(sa.String(16), nullable=False)
    provider_id = sa.Column(sa.String(64), unique=True)
    provider_status = sa.Column(sa.String(32))
    failure_reason = sa.Column(sa.String(200))
    cost = sa.Column(sa.Numeric(12, 4))
    attempts = sa.Column(sa.Integer, nullable=False, server_default="0", default=0)
    next_attempt_at = sa.Column(sa.DateTime(timezone=True))
    sending_since = sa.Column(sa.DateTime(timezone=True))
    sent_at = sa.Column(sa.DateTime(timezone=True))
    delivered_at = sa.Column(sa.DateTime(timezone=True))
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
    updated_at = updated_at_column()


class OptOut(db.Model):
    """A phone number that gets no more messages: it replied STOP, or the owner turned it off."""

    __tablename__ = "message_opt_outs"

    phone = sa.Column(sa.String(12), primary_key=True)
    source = sa.Column(sa.String(8), nullable=False)
    created_at = created_at_column()


class MessageSettings(db.Model):
    """The owner's alerts for one business; a business with no row has both on."""

    __tablename__ = "message_settings"

    business = sa.Column(sa.String(16), primary_key=True)
    low_stock = sa.Column(sa.Boolean, nullable=False, server_default=sa.true(), default=True)
    daily_summary = sa.Column(sa.Boolean, nullable=False, server_default=sa.true(), default=True)
    updated_at = updated_at_column()


class LowStockAlert(db.Model):
    __tablename__ = "low_stock_alerts"

    product_id = sa.Column(sa.BigInteger, primary_key=True)
    business = sa.Column(sa.String(16), nullable=False)
    alerted_at = created_at_column()
