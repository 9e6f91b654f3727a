"""The public receipt page: `/r/<token>` opens without a login (the token is the secret)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, jsonify
from jinja2 import Environment, FileSystemLoader, select_autoescape
from marshmallow import Schema, fields, validate

from common.auth import current_principal, login_required, public
from common.openapi import IDEMPOTENCY_KEY, Blueprint

from ..messages_schemas import MessageSchema
from ..receipt_words import DEFAULT_LANGUAGE, LANGUAGES
from ..schemas import ReceiptSmsSchema
from ..services import receipts
from .shared import idempotency_key

bp = Blueprint("receipts", __name__, url_prefix="/r", description="A sale's receipt, for its customer")
# Sending one by text message is a staff action, under the API.
sms_bp = Blueprint("receipt_sms", __name__, url_prefix="/api/payments", description="Receipts by SMS")
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(default=True),
)


class ReceiptArgsSchema(Schema):
    lang = fields.String(load_default=DEFAULT_LANGUAGE, validate=validate.OneOf(LANGUAGES))


@bp.get("/<token>")
@bp.arguments(ReceiptArgsSchema, location="query", as_kwargs=True)
@bp.doc(
    responses={
        200: {"description": "The receipt page", "content": {"text/html": {"schema": {"type": "string"}}}}
    }
)
@public
def receipt_page(token: str, lang: str):
    """A sale's receipt as a page to read, print (58 mm) or keep; it shows later voids and refunds."""
    sale = receipts.find(token)
    html = _TEMPLATES.get_template("receipt.html").render(**receipts.page(sale, lang))
    response = Response(html, mimetype="text/html")
    # Private and changing (a refund may follow): no cache keeps it, and it is not to be indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Content-Language"] = lang
    return response


@sms_bp.post("/sales/<id:sale_id>/receipt/sms")
@login_required()
@sms_bp.arguments(ReceiptSmsSchema)
@sms_bp.doc(
    parameters=[IDEMPOTENCY_KEY],
    responses={
        201: {
            "description": "The queued text message",
            "content": {"application/json": {"schema": MessageSchema}},
        }
    },
)
def receipt_by_sms(body: dict, sale_id: int):
    """Text the sale's receipt link to the customer, in their language (once per Idempotency-Key)."""
    # The gateway's public address (the one Safaricom calls back): where customers open links.
    base_url = current_app.extensions["tomtin"]["mpesa"].callback_base_url
    message = receipts.send_by_sms(
        sale_id, body["phone"], body["language"], str(idempotency_key()), base_url, current_principal()
    )
    return jsonify(MessageSchema().dump(message)), 201
