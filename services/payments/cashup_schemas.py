"""Request and response schemas of money out and shifts (payments' cash-up API)."""

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from common.fields import Money, PlainText
from common.ids import MAX_ID, Id
from common.money import MAX_AMOUNT
from common.timeutil import business_day

from .models import PAID_FROM

MAX_PENDING = 10_000


def _today():
    return business_day()


def _positive(name: str) -> validate.Range:
    return validate.Range(
        min=0, max=MAX_AMOUNT, min_inclusive=False, error=f"{name} must be above 0 and at most {{max}}"
    )


def _not_negative(name: str) -> validate.Range:
    return validate.Range(min=0, max=MAX_AMOUNT, error=f"{name} must be 0 or more and at most {{max}}")


class CategorySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()


class CategoryListSchema(Schema):
    items = fields.List(fields.Nested(CategorySchema))


class CategoryCreateSchema(Schema):
    name = PlainText(required=True, validate=validate.Length(1, 60))


class CategoryUpdateSchema(Schema):
    name = PlainText(validate=validate.Length(1, 60))
    active = fields.Boolean()

    @validates_schema
    def _not_empty(self, data, **kwargs) -> None:
        if not data:
            raise ValidationError("Send name or active.", "_schema")


class ExpenseCreateSchema(Schema):
    category_id = Id(required=True)
    amount = Money(required=True, validate=_positive("The amount"))
    paid_from = fields.String(required=True, validate=validate.OneOf(PAID_FROM))
    note = PlainText(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ExpenseSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    category_id = fields.Integer()
    category = fields.String(attribute="category.name")
    amount = fields.Decimal(as_string=True, places=2)
    paid_from = fields.String()
    note = fields.String(allow_none=True)
    shift_id = fields.Integer(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_by_name = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ExpenseListSchema(Schema):
    items = fields.List(fields.Nested(ExpenseSchema))
    total = fields.Decimal(as_string=True, places=2)
    count = fields.Integer()


# Older or later dates are typos; the bounds also keep day arithmetic inside datetime's range.
_DAYS = validate.Range(min=dt.date(2000, 1, 1), max=dt.date(2999, 12, 31))


class PeriodArgsSchema(Schema):
    from_ = fields.Date(data_key="from", load_default=_today, validate=_DAYS)
    to = fields.Date(load_default=_today, validate=_DAYS)


_QUERY_ID = validate.Range(min=1, max=MAX_ID)


class ExpenseListArgsSchema(PeriodArgsSchema):
    category_id = fields.Integer(load_default=None, validate=_QUERY_ID)
    paid_from = fields.String(load_default=None, validate=validate.OneOf(PAID_FROM))


class ShiftListArgsSchema(PeriodArgsSchema):
    user_id = fields.Integer(
        load_default=None, validate=_QUERY_ID, metadata={"description": "Owner only: one person's shifts."}
    )


class ShiftOpenSchema(Schema):
    float = Money(required=True, validate=_not_negative("The float"))


class ShiftCloseSchema(Schema):
    counted = Money(required=True, validate=_not_negative("The cash counted"))
    pending_sales = fields.Integer(
        load_default=0,
        strict=True,
        validate=validate.Range(min=0, max=MAX_PENDING),
        metadata={"description": "Sales still in the phone's offline outbox when closing."},
    )
    note = PlainText(load_default=None, allow_none=True, validate=validate.Length(max=200))


_MONEY = {"as_string": True, "places": 2}


class ShiftSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    opened_by = fields.Integer()
    opened_by_name = fields.String()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    float = fields.Decimal(**_MONEY)
    cash_sales = fields.Decimal(**_MONEY)
    cash_sales_count = fields.Integer()
    mpesa_sales = fields.Decimal(**_MONEY)
    mpesa_sales_count = fields.Integer()
    cash_refunds = fields.Decimal(**_MONEY)
    cash_refunds_count = fields.Integer()
    payouts = fields.Decimal(**_MONEY)
    payouts_count = fields.Integer()
    # Sales on account bring no cash; cash paid on debts at this till does.
    account_sales = fields.Decimal(**_MONEY)
    account_sales_count = fields.Integer()
    debt_cash = fields.Decimal(**_MONEY)
    debt_cash_count = fields.Integer()
    expected = fields.Decimal(**_MONEY)
    counted = fields.Decimal(allow_none=True, **_MONEY)
    difference = fields.Decimal(allow_none=True, **_MONEY)
    expected_at_close = fields.Decimal(allow_none=True, **_MONEY)
    difference_at_close = fields.Decimal(allow_none=True, **_MONEY)
    correction = fields.Decimal(allow_none=True, **_MONEY)
    pending_at_close = fields.Integer(allow_none=True)
    late_sales_count = fields.Integer()
    note = fields.String(allow_none=True)


class CurrentShiftSchema(Schema):
    shift = fields.Nested(ShiftSchema, allow_none=True)


class ShiftListSchema(Schema):
    items = fields.List(fields.Nested(ShiftSchema))
