"""Request and response schemas of customers and credit (payments' customers API)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from common.fields import AsOf, Money, PlainText
from common.money import MAX_AMOUNT

from .models import CUSTOMER_LANGUAGES

NAME = validate.Length(min=1, max=80)


def _amount(places: int = 2) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=places)


class CustomerNameSchema(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "C<id>: what a till/paybill payment may name."})
    phone = fields.String()
    name = fields.String()
    credit_limit = _amount()
    language = fields.String()


class CustomerSchema(CustomerNameSchema):
    balance = _amount()
    created_at = fields.DateTime()


class CustomerListSchema(Schema):
    items = fields.List(fields.Nested(CustomerSchema))
    as_of = AsOf()


class AgeingSchema(Schema):
    days_0_7 = _amount()
    days_8_30 = _amount()
    over_30 = _amount()


class DebtSchema(Schema):
    sale_id = fields.Integer()
    business = fields.String()
    reference = fields.String()
    created_at = fields.DateTime()
    amount = _amount()
    outstanding = _amount()
    age_days = fields.Integer()


class CustomerDetailSchema(CustomerSchema):
    available = _amount()
    ageing = fields.Nested(AgeingSchema)
    open_debts = fields.List(fields.Nested(DebtSchema))
    as_of = AsOf()


class CustomerArgsSchema(Schema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "A few digits of the phone, C<number>, or the first letters of names."},
    )


def _limit(**kwargs) -> fields.Decimal:
    return Money(
        validate=validate.Range(min=0, max=MAX_AMOUNT, error="must be 0 or more, at most {max}"), **kwargs
    )


class NewCustomerSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = PlainText(required=True, validate=NAME)
    # The owner may give a new customer their limit at once (staff: 403); default 0, no credit.
    credit_limit = _limit(load_default=None, allow_none=True)
    language = fields.String(load_default="en", validate=validate.OneOf(CUSTOMER_LANGUAGES))


class CustomerUpdateSchema(Schema):
    name = PlainText(validate=NAME)
    language = fields.String(validate=validate.OneOf(CUSTOMER_LANGUAGES))

    @validates_schema
    def _not_empty(self, data, **kwargs) -> None:
        if not data:
            raise ValidationError("Send name or language.", "_schema")


class CreditLimitSchema(Schema):
    credit_limit = Money(
        required=True,
        validate=validate.Range(min=0, max=MAX_AMOUNT, error="must be 0 or more, at most {max}"),
    )


class StatementEntrySchema(Schema):
    at = fields.DateTime()
    kind = fields.String(metadata={"enum": ["sale", "void", "refund", "payment"]})
    sale_id = fields.Integer(allow_none=True)
    reference = fields.String(allow_none=True)
    business = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    receipt = fields.String(allow_none=True)
    amount = _amount()
    change = _amount()
    balance = _amount()


class StatementSchema(Schema):
    customer = fields.Nested(CustomerSchema)
    entries = fields.List(fields.Nested(StatementEntrySchema))
    as_of = AsOf()


class OwingSchema(Schema):
    customer = fields.Nested(CustomerNameSchema)
    balance = _amount()


class OwedSchema(Schema):
    total = _amount()
    customers_count = fields.Integer()
    ageing = fields.Nested(AgeingSchema)
    items = fields.List(fields.Nested(OwingSchema))
    as_of = AsOf()


class DebtPaymentSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    business = fields.String()
    method = fields.String()
    amount = fields.String()
    created_at = fields.String()
    balance = fields.String(metadata={"description": "What the customer owes after this payment."})


class NewDebtPaymentSchema(Schema):
    amount = Money(
        required=True,
        validate=validate.Range(
            min=0, max=MAX_AMOUNT, min_inclusive=False, error="must be above 0, at most {max}"
        ),
    )


class DebtPushSchema(Schema):
    # Default: the customer's own phone, for the whole balance.
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    amount = Money(
        load_default=None,
        allow_none=True,
        validate=validate.Range(
            min=0, max=MAX_AMOUNT, min_inclusive=False, error="must be above 0, at most {max}"
        ),
    )
