"""Receipts: every sale's public page, opened without a login by the unguessable token in its link.

The page is built from the rows at each request, so a void or refund made after the sale shows
on a link shared before it. No Flask request here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from common.auth import Principal
from common.businesses import find as find_business
from common.errors import InvalidInput, NotFound
from common.timeutil import NAIROBI

from ..message_models import Message
from ..models import RECEIPT_DIGEST, Customer, Sale, db
from ..receipt_words import DEFAULT_LANGUAGE, WORDS
from . import messages
from .sales import get_sale, with_details

# What secrets.token_urlsafe makes; anything else is no receipt, answered without a query.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,43}")
_BY_DIGEST = sa.text(f"{RECEIPT_DIGEST} = :digest")


def find(token: str) -> Sale:
    """The sale whose receipt token this is, or NotFound (the same answer for any wrong token)."""
    sale = None
    if TOKEN.fullmatch(token):
        digest = hashlib.sha256(token.encode()).digest()
        sale = db.session.scalar(
            sa.select(Sale).where(_BY_DIGEST.bindparams(digest=digest)).options(*with_details())
        )
    if sale is None or not hmac.compare_digest(sale.receipt_token, token):
        raise NotFound("There is no receipt at this link. Ask the shop for a new one.")
    return sale


def money(amount: Decimal) -> str:
    return f"KES {amount:,.2f}"


def quantity(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def moment(at: dt.datetime | None) -> str:
    """Nairobi time, as a Kenyan till prints it."""
    return at.astimezone(NAIROBI).strftime("%d/%m/%Y %H:%M") if at else ""


def page(sale: Sale, language: str) -> dict[str, Any]:
    """What the receipt shows, in the customer's language (the words and values for the template)."""
    words = WORDS[language]
    refunds = [r for r in sale.refunds if r.status != "failed"]
    paid = next((p for p in reversed(sale.payments) if p.status == "paid" and p.receipt), None)
    return {
        "language": language,
        "other": "en" if language == "sw" else "sw",
        "words": words,
        "business": find_business(db.session, sale.business).name,
        "reference": sale.reference,
        "when": moment(sale.created_at),
        "lines": [
            {
                "name": line.name,
                "quantity": quantity(line.quantity),
                "price": money(line.unit_price),
                "total": money(line.line_total),
            }
            for line in sale.lines
        ],
        "total": money(sale.total),
        "method": words.get(f"method.{sale.method}", sale.method),
        "mpesa_code": paid.receipt if paid else None,
        "status": sale.status,
        "status_words": words[f"status.{sale.status}"],
        "voided": words["voided_on"].format(when=moment(sale.voided_at)) if sale.voided_at else None,
        "refunds": [
            words["refund_line" if r.status == "paid" else "refund_pending"].format(
                when=moment(r.paid_at or r.created_at), amount=money(r.amount)
            )
            for r in refunds
        ],
        "net": money(sale.total - sale.refunded) if refunds else None,
        "order_status": words[f"order.{sale.order_status}"] if sale.order_status else None,
        "ticket": sale.ticket,
        "ready_by": moment(sale.promised_at),
    }


def link(base_url: str, sale: Sale, language: str) -> str:
    """The receipt's address for the customer: the gateway's public base, the token, the language."""
    return f"{base_url}/r/{sale.receipt_token}?lang={language}"


def send_by_sms(
    sale_id: int,
    phone: str | None,
    language: str | None,
    key: str,
    base_url: str,
    actor: Principal,
) -> Message:
    """Text the receipt's link to the customer (their phone and language unless others are given),
    once per request key; an opted-out number gets nothing."""
    sale = get_sale(sale_id, actor.businesses)
    customer = db.session.get(Customer, sale.customer_id) if sale.customer_id else None
    phone = phone or sale.customer_phone or (customer.phone if customer else None)
    if not phone:
        raise InvalidInput("Whose phone? This sale has no customer's number.", {"phone": ["Give the phone."]})
    language = language or (customer.language if customer else DEFAULT_LANGUAGE)
    message = messages.queue_message(
        sale.business,
        phone,
        "receipt",
        {"total": f"{sale.total:,.2f}", "link": link(base_url, sale, language)},
        language=language,
        customer_id=sale.customer_id,
        key=f"receipt-{key}",
        created_by=actor.user_id,
    )
    db.session.commit()
    messages.kick()
    return message
