"""payments HTTP API for the owner's "To check": the list (pollable, its count shows on Home), an
unmatched till/paybill payment recorded as a sale of its own, and a refund under review settled.
(Resolving a payment and attaching a C2B payment to a sale are in sales.py, beside the payments.)"""

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable
from common.openapi import Blueprint

from ..schemas import C2BSaleSchema, RefundResolveSchema, RefundSchema, SaleSchema, ToCheckSchema
from ..services import c2b_sale, refund_review, to_check
from .shared import json_doc

bp = Blueprint("to_check", __name__, url_prefix="/api/payments", description="What the owner must check")


@bp.get("/businesses/<business>/to-check")
@login_required("owner")
@bp.doc(responses=json_doc(ToCheckSchema, "What needs the owner, and how many (pollable: ETag, 304)"))
def to_check_list(business: str):
    """What needs the owner: payments under review, unmatched till/paybill payments, pushes waiting
    too long, M-Pesa refunds with no answer."""
    found = to_check.to_check(check_business(current_principal(), business, allow_all=True))
    return pollable(*encode(ToCheckSchema().dump(found)), audience="user")


@bp.post("/c2b/<trans_id>/sale")
@login_required("owner")
@bp.arguments(C2BSaleSchema)
@bp.response(201, SaleSchema)
def c2b_record_sale(body: dict, trans_id: str):
    """Record an unmatched till/paybill payment as a sale of its own: the goods must total its amount."""
    principal = current_principal()
    check_business(principal, body["business"])
    lines = [(line["product_id"], line["quantity"]) for line in body["lines"]]
    return c2b_sale.record_as_sale(trans_id, body["business"], lines, principal)


@bp.post("/refunds/<id:refund_id>/resolve")
@login_required("owner")
@bp.arguments(RefundResolveSchema)
@bp.response(200, RefundSchema)
def resolve_refund(body: dict, refund_id: int):
    """The owner settles an M-Pesa refund that got no answer: paid back (goods return) or not (freed)."""
    return refund_review.resolve_refund(
        refund_id, body["action"], body["note"], body["receipt"], current_principal()
    )
