"""payments request and response schemas."""

from marshmallow import Schema, fields, validate

from common.fields import AsOf, ChangedSince, Money, PlainText, Quantity
from common.ids import MAX_ID, Id

from .models import METHODS, ORDER_STATUSES, REFUND_CHANNELS, SALE_STATUSES

# The id a phone gives itself once (letters, digits, dashes), sent with each sale it records.
DEVICE_ID = r"^[A-Za-z0-9-]{4,40}$"

MAX_LINES = 50
MAX_QUANTITY = 100_000


class SaleLineSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    name = fields.String()
    quantity = fields.Decimal(as_string=True, places=3)
    unit_price = fields.Decimal(as_string=True, places=2)
    line_total = fields.Decimal(as_string=True, places=2)
    refunded_quantity = fields.Decimal(as_string=True, places=3)


class RefundLineSchema(Schema):
    id = fields.Integer()
    sale_line_id = fields.Integer()
    product_id = fields.Integer()
    quantity = fields.Decimal(as_string=True, places=3)
    amount = fields.Decimal(as_string=True, places=2)
    damaged = fields.Boolean()


class RefundSchema(Schema):
    id = fields.Integer()
    sale_id = fields.Integer()
    business = fields.String()
    channel = fields.String()
    status = fields.String()
    amount = fields.Decimal(as_string=True, places=2)
    reason = fields.String()
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    # Daraja refunds: whom B2C pays, the receipt reversed, M-Pesa's receipt and result once known.
    phone = fields.String(allow_none=True)
    original_receipt = fields.String(allow_none=True)
    receipt = fields.String(allow_none=True)
    result_code = fields.String(allow_none=True)
    result_desc = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(RefundLineSchema))


class PaymentSchema(Schema):
    id = fields.Integer()
    sale_id = fields.Integer(allow_none=True)
    business = fields.String(allow_none=True)
    kind = fields.String()
    status = fields.String()
    amount = fields.Decimal(as_string=True, places=2)
    phone = fields.String(allow_none=True)
    checkout_request_id = fields.String(allow_none=True)
    receipt = fields.String(allow_none=True)
    account_reference = fields.String(allow_none=True)
    result_code = fields.Integer(allow_none=True)
    result_desc = fields.String(allow_none=True)
    review_reason = fields.String(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)


class SaleSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    reference = fields.String()
    total = fields.Decimal(as_string=True, places=2)
    method = fields.String()
    status = fields.String()
    order_status = fields.String(allow_none=True)
    customer_phone = fields.String(allow_none=True)
    customer_id = fields.Integer(allow_none=True)
    customer_name = fields.String(attribute="customer.name", allow_none=True)
    # What their receipt and texts are written in ("sw" or "en").
    customer_language = fields.String(attribute="customer.language", allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    lines = fields.List(fields.Nested(SaleLineSchema))
    voided_at = fields.DateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)
    refunded = fields.Decimal(as_string=True, places=2)
    refunds = fields.List(fields.Nested(RefundSchema))
    # The public receipt is /r/<receipt_token> (services/receipts.py): shared with the customer.
    receipt_token = fields.String()
    # Laundry orders: the ticket the customer is given, what was brought, when it is promised ready.
    ticket = fields.Integer(allow_none=True)
    items = fields.String(allow_none=True)
    promised_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    # The latest M-Pesa payment: what the PWA shows while a push is pending.
    payment = fields.Nested(PaymentSchema, attribute="latest_payment", allow_none=True)
    created_by = fields.Integer(allow_none=True)
    device = fields.String(allow_none=True)


class SaleListSchema(Schema):
    items = fields.List(fields.Nested(SaleSchema))
    changed_since = fields.String(allow_none=True)
    as_of = AsOf()


class PaymentListSchema(Schema):
    items = fields.List(fields.Nested(PaymentSchema))


class ToCheckItemSchema(Schema):
    kind = fields.String(
        metadata={
            "enum": ["review", "unmatched", "waiting", "refund"],
            "description": "review: M-Pesa needs the owner's decision; unmatched: a till/paybill payment "
            "no sale claimed; waiting: a push with no answer past 'check later'; refund: an M-Pesa "
            "refund with no answer after every status query (`refund` instead of `payment`).",
        }
    )
    payment = fields.Nested(PaymentSchema, allow_none=True)
    refund = fields.Nested(RefundSchema, allow_none=True)


class ToCheckSchema(Schema):
    items = fields.List(fields.Nested(ToCheckItemSchema))
    count = fields.Integer()


class SaleAnswerSchema(SaleSchema):
    """One sale, as its pollable GET answers it."""

    as_of = AsOf()


class PaymentStatusSchema(PaymentSchema):
    sale_status = fields.String(allow_none=True)
    poll_after_ms = fields.Integer()
    as_of = AsOf()


# --- requests -----------------------------------------------------------------------------------
class NewLineSchema(Schema):
    product_id = Id(required=True)
    quantity = Quantity(
        required=True,
        validate=validate.Range(
            min=0, max=MAX_QUANTITY, min_inclusive=False, error="must be above 0 and at most {max}"
        ),
    )


class OrderDetailsSchema(Schema):
    """A laundry order's details beyond its lines (the service, by weight or piece, is a line)."""

    items = PlainText(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    promised_at = fields.AwareDateTime(load_default=None, allow_none=True)
    # Paid now on an order paid at collection (method account): the rest is paid or owed then.
    deposit = Money(load_default=None, allow_none=True)


class NewSaleSchema(Schema):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    lines = fields.List(
        fields.Nested(NewLineSchema), required=True, validate=validate.Length(min=1, max=MAX_LINES)
    )
    customer_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    # The seller's shift open on the phone when the sale was made (kept in its offline outbox).
    shift_id = Id(load_default=None, allow_none=True)
    # Who bought (required for method "account": the sale becomes their debt, within their limit).
    customer_id = Id(load_default=None, allow_none=True)
    # Laundry only: what was brought and when it is promised ready (the ticket is given here).
    order = fields.Nested(OrderDetailsSchema, load_default=None, allow_none=True)
    # Which phone recorded it (the PWA's id for this device), shown in the sale's detail.
    device = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(DEVICE_ID))


class VoidSchema(Schema):
    reason = PlainText(required=True, validate=validate.Length(min=1, max=200))


class VoidWindowSchema(Schema):
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1440))


class RefundLineRequestSchema(Schema):
    sale_line_id = Id(required=True)
    quantity = Quantity(
        required=True,
        validate=validate.Range(
            min=0, max=MAX_QUANTITY, min_inclusive=False, error="must be above 0 and at most {max}"
        ),
    )
    damaged = fields.Boolean(load_default=False)


class NewRefundSchema(Schema):
    """Without `lines`, everything on the sale not refunded yet."""

    channel = fields.String(required=True, validate=validate.OneOf(REFUND_CHANNELS))
    reason = PlainText(required=True, validate=validate.Length(min=1, max=200))
    # b2c only: the phone paid (default: the phone that paid the sale by STK push).
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    lines = fields.List(
        fields.Nested(RefundLineRequestSchema),
        load_default=None,
        validate=validate.Length(min=1, max=MAX_LINES),
    )


class SaleListArgsSchema(Schema):
    changed_since = ChangedSince(load_default=None)
    day = fields.Date(load_default=None, metadata={"description": "A Nairobi business day (YYYY-MM-DD)."})
    # A query string is text: the id is read as a number here (Id() takes JSON integers only).
    staff = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only sales recorded by this user."},
    )
    method = fields.String(load_default=None, validate=validate.OneOf(METHODS))
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(SALE_STATUSES),
        metadata={
            "description": "Filters the listing; a delta (changed_since) names every changed sale "
            "of the other filters, so one that left this status is seen leaving."
        },
    )


class StkPushSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))


class OrderStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf((*ORDER_STATUSES, "cancelled")))
    # Needed to cancel (the owner's reason, kept in the audit log and on the order).
    reason = PlainText(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class OrderSearchArgsSchema(Schema):
    ticket = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2_147_483_647))
    status = fields.String(load_default=None, validate=validate.OneOf((*ORDER_STATUSES, "cancelled")))


class OrderListSchema(Schema):
    items = fields.List(fields.Nested(SaleSchema))


class ResolveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("paid", "failed", "dismiss")))
    receipt = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Z0-9]{6,32}$"))
    note = PlainText(required=True, validate=validate.Length(min=1, max=255))


class AttachSchema(Schema):
    sale_id = Id(required=True)


class ReceiptSmsSchema(Schema):
    """Text a sale's receipt link; without `phone` and `language`, the customer's own."""

    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("sw", "en")))


class C2BSaleSchema(Schema):
    """An unmatched till/paybill payment recorded as a sale: where, and what was sold."""

    business = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]{0,15}$"))
    lines = fields.List(
        fields.Nested(NewLineSchema), required=True, validate=validate.Length(min=1, max=MAX_LINES)
    )


class RefundResolveSchema(Schema):
    """The owner's word on an M-Pesa refund that got no answer: was the money sent back or not?"""

    action = fields.String(required=True, validate=validate.OneOf(("paid", "failed")))
    receipt = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Z0-9]{6,32}$"))
    note = PlainText(required=True, validate=validate.Length(min=1, max=255))
