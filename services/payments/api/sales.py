"""payments HTTP API for sales: recording and listing them, laundry orders, voids, refunds, STK push,
the owner's review, C2B and the audit trail."""

from flask import jsonify

from common.audit import AuditEntrySchema, AuditQuerySchema
from common.auth import check_business, current_principal, login_required
from common.cache import TTL
from common.delta import iso
from common.http import cached_pollable, encode, pollable
from common.openapi import IDEMPOTENCY_KEY, Blueprint

from ..schemas import (
    AttachSchema,
    NewRefundSchema,
    NewSaleSchema,
    OrderListSchema,
    OrderSearchArgsSchema,
    OrderStatusSchema,
    PaymentListSchema,
    PaymentSchema,
    PaymentStatusSchema,
    RefundSchema,
    ResolveSchema,
    SaleAnswerSchema,
    SaleListArgsSchema,
    SaleListSchema,
    SaleSchema,
    StkPushSchema,
    VoidSchema,
    VoidWindowSchema,
)
from ..services import c2b, laundry, refunds, review, sales, stk, voids
from ..services.tickets import OrderDetails
from .shared import idempotency_key, json_doc

bp = Blueprint("payments", __name__, url_prefix="/api/payments", description="Sales and payments")
# How often the PWA should poll a payment: fast while the customer is typing the PIN.
POLL_PENDING_MS = 2500
POLL_SETTLED_MS = 15000


@bp.get("/businesses/<business>/sales")
@login_required()
@bp.arguments(SaleListArgsSchema, location="query", as_kwargs=True)
@bp.doc(responses=json_doc(SaleListSchema, "Sales"))
def list_sales(business: str, changed_since=None, **filters):
    """Recent sales, or one business day's; by seller, method and status if asked; or those changed
    since `as_of` of an earlier answer (pollable: ETag, 304)."""
    check_business(current_principal(), business)
    only = sales.SaleFilter(**filters)
    return cached_pollable(
        "sales",
        business,
        f"{f'since:{iso(changed_since)}' if changed_since else 'recent'}|{only.cache_key()}",
        TTL["summary"],
        lambda: sales.sales_listing(business, changed_since, only),
    )


@bp.post("/businesses/<business>/sales")
@login_required()
@bp.arguments(NewSaleSchema)
@bp.doc(
    parameters=[IDEMPOTENCY_KEY],
    responses={
        201: {
            "description": "The sale (the first answer again on a replay)",
            "content": {"application/json": {"schema": SaleSchema}},
        }
    },
)
def record_sale(body: dict, business: str):
    """Record a sale once per Idempotency-Key; a replay returns the first answer."""
    principal = current_principal()
    check_business(principal, business)
    lines = [(line["product_id"], line["quantity"]) for line in body["lines"]]
    sale = sales.record_sale(
        business,
        idempotency_key(),
        body["method"],
        lines,
        body["customer_phone"],
        principal.user_id,
        body["shift_id"],
        body["customer_id"],
        OrderDetails(**body["order"]) if body["order"] else None,
        body["device"],
    )
    return jsonify(sale), 201


@bp.get("/sales/<id:sale_id>")
@login_required()
@bp.doc(responses=json_doc(SaleAnswerSchema, "A sale"))
def get_sale(sale_id: int):
    """One sale with its lines and latest payment (pollable)."""
    sale = sales.get_sale(sale_id, current_principal().businesses)
    return pollable(*encode(SaleSchema().dump(sale)), audience="user")


@bp.post("/sales/<id:sale_id>/order-status")
@login_required()
@bp.arguments(OrderStatusSchema)
@bp.response(200, SaleSchema)
def advance_order(body: dict, sale_id: int):
    """Move a laundry order forward (received → washing → drying → ready → collected); the owner
    cancels one with a `reason`."""
    return laundry.advance_order(sale_id, body["status"], current_principal(), body["reason"])


@bp.get("/businesses/<business>/orders")
@login_required()
@bp.arguments(OrderSearchArgsSchema, location="query", as_kwargs=True)
@bp.response(200, OrderListSchema)
def find_orders(business: str, ticket=None, status=None):
    """A laundry's orders, newest first: by ticket number and/or status (collected ones too)."""
    check_business(current_principal(), business)
    return {"items": laundry.find_orders(business, ticket, status)}


@bp.post("/sales/<id:sale_id>/void")
@login_required()
@bp.arguments(VoidSchema)
@bp.response(200, SaleSchema)
def void_sale(body: dict, sale_id: int):
    """Void a sale made by mistake (the owner; or its seller within the void window). It stays listed,
    voided; its stock comes back once. Voiding it again answers the voided sale."""
    return voids.void_sale(sale_id, body["reason"], current_principal())


@bp.get("/businesses/<business>/void-window")
@login_required()
@bp.response(200, VoidWindowSchema)
def get_void_window(business: str):
    """Minutes after a sale during which its seller may still void it."""
    check_business(current_principal(), business)
    return {"minutes": voids.void_window(business)}


@bp.put("/businesses/<business>/void-window")
@login_required("owner")
@bp.arguments(VoidWindowSchema)
@bp.response(200, VoidWindowSchema)
def set_void_window(body: dict, business: str):
    """The owner sets the void window (0: only the owner voids)."""
    principal = current_principal()
    check_business(principal, business)
    return {"minutes": voids.set_void_window(business, body["minutes"], principal.user_id)}


@bp.post("/sales/<id:sale_id>/refunds")
@login_required()
@bp.arguments(NewRefundSchema)
@bp.doc(
    parameters=[IDEMPOTENCY_KEY],
    responses={
        201: {
            "description": "The refund (the first answer again on a replay)",
            "content": {"application/json": {"schema": RefundSchema}},
        }
    },
)
def refund_sale(body: dict, sale_id: int):
    """Pay money back on a paid sale, whole (no `lines`) or by line and quantity, once per
    Idempotency-Key; never more than was paid. Damaged goods are written off, others restocked.
    `cash` is paid at once; an M-Pesa sale can also be refunded through Daraja (`reversal` of its
    receipt, or `b2c` to `phone`): pending until Daraja's result, failed refunds free their amount."""
    wanted = None
    if body["lines"] is not None:
        wanted = [refunds.Wanted(w["sale_line_id"], w["quantity"], w["damaged"]) for w in body["lines"]]
    refund = refunds.refund_sale(
        sale_id,
        idempotency_key(),
        wanted,
        body["channel"],
        body["reason"],
        current_principal(),
        body["phone"],
    )
    return jsonify(refund), 201


@bp.post("/sales/<id:sale_id>/stk-push")
@login_required()
@bp.arguments(StkPushSchema)
@bp.response(201, PaymentSchema)
def stk_push(body: dict, sale_id: int):
    """Prompt the customer's phone to pay an M-Pesa sale (one active push per sale)."""
    return stk.start_push(sale_id, body["phone"], current_principal().businesses)


@bp.get("/mpesa/<id:payment_id>")
@login_required()
@bp.doc(responses=json_doc(PaymentStatusSchema, "A payment and when to poll it next"))
def payment_status(payment_id: int):
    """A payment's state; poll_after_ms (and X-Poll-Interval, seconds) say when to ask again."""
    principal = current_principal()
    payment = stk.get_payment(payment_id, principal.businesses, principal.is_owner)
    poll_ms = POLL_PENDING_MS if payment.status == "pending" else POLL_SETTLED_MS
    sale_status = payment.sale.status if payment.sale else None
    response = pollable(
        *encode(
            {**PaymentStatusSchema().dump(payment), "sale_status": sale_status, "poll_after_ms": poll_ms}
        ),
        audience="user",
    )
    response.headers["X-Poll-Interval"] = str(poll_ms / 1000)
    return response


@bp.get("/businesses/<business>/review")
@login_required("owner")
@bp.doc(responses=json_doc(PaymentListSchema, "Payments needing review"))
def review_list(business: str):
    """Payments the owner must decide on (NEEDS_REVIEW or flagged)."""
    businesses = check_business(current_principal(), business, allow_all=True)
    return jsonify(PaymentListSchema().dump({"items": review.review_list(businesses)}))


@bp.post("/mpesa/<id:payment_id>/resolve")
@login_required("owner")
@bp.arguments(ResolveSchema)
@bp.response(200, PaymentSchema)
def resolve(body: dict, payment_id: int):
    """The owner settles a payment under review: paid, failed, or dismiss a flag."""
    principal = current_principal()
    return review.resolve(payment_id, body["action"], body["note"], body["receipt"], principal)


@bp.get("/businesses/<business>/c2b/unmatched")
@login_required("owner")
@bp.doc(responses=json_doc(PaymentListSchema, "Unmatched C2B payments"))
def c2b_unmatched(business: str):
    """Till/paybill payments no sale claimed yet."""
    businesses = check_business(current_principal(), business, allow_all=True)
    return jsonify(PaymentListSchema().dump({"items": c2b.unmatched(businesses)}))


@bp.post("/c2b/<trans_id>/attach")
@login_required("owner")
@bp.arguments(AttachSchema)
@bp.response(200, PaymentSchema)
def c2b_attach(body: dict, trans_id: str):
    """Pay an open sale with an unmatched C2B payment of the same amount."""
    principal = current_principal()
    return c2b.attach(trans_id, body["sale_id"], principal)


@bp.get("/audit")
@login_required("owner")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditEntrySchema(many=True))
def audit_entries(args: dict):
    """The owner's decisions on payments and orders: who, when, before and after (owner; newest first)."""
    return review.history(args["before_id"], args["limit"])
