"""payments request and response schemas."""

from marshmallow import Schema, fields, validate

from common.fields import AsOf, ChangedSince, PlainText, Quantity
from common.ids import Id

from .models import METHODS, ORDER_STATUSES

MAX_LINES = 50
MAX_QUANTITY = 100_000


class SaleLineSchema(Schema):
    product_id = fields.Integer()
    name = fields.String()
    quantity = fields.Decimal(as_string=True, places=3)
    unit_price = fields.Decimal(as_string=True, places=2)
    line_total = fields.Decimal(as_string=True, places=2)


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
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    lines = fields.List(fields.Nested(SaleLineSchema))
    # The latest M-Pesa payment: what the PWA shows while a push is pending.
    payment = fields.Nested(PaymentSchema, attribute="latest_payment", allow_none=True)


class SaleListSchema(Schema):
    items = fields.List(fields.Nested(SaleSchema))
    changed_since = fields.String(allow_none=True)
    as_of = AsOf()


class PaymentListSchema(Schema):
    items = fields.List(fields.Nested(PaymentSchema))


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


class NewSaleSchema(Schema):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    lines = fields.List(
        fields.Nested(NewLineSchema), required=True, validate=validate.Length(min=1, max=MAX_LINES)
    )
    customer_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    # The seller's shift open on the phone when the sale was made (kept in its offline outbox).
    shift_id = Id(load_default=None, allow_none=True)


class SaleListArgsSchema(Schema):
    changed_since = ChangedSince(load_default=None)


class StkPushSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))


class OrderStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf((*ORDER_STATUSES, "cancelled")))


class ResolveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("paid", "failed", "dismiss")))
    receipt = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Z0-9]{6,32}$"))
    note = PlainText(required=True, validate=validate.Length(min=1, max=255))


class AttachSchema(Schema):
    sale_id = Id(required=True)
