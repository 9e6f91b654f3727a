"""The public receipt page: `/r/<token>` opens without a login (the token is the secret)."""

from __future__ import annotations

from pathlib import Path

from flask import Response
from flask_smorest import Blueprint
from jinja2 import Environment, FileSystemLoader, select_autoescape
from marshmallow import Schema, fields, validate

from common.auth import public

from ..receipt_words import DEFAULT_LANGUAGE, LANGUAGES
from ..services import receipts

bp = Blueprint("receipts", __name__, url_prefix="/r", description="A sale's receipt, for its customer")
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
