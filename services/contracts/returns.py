"""Undoing sales: a voided sale and a paid refund, from payments to inventory and reporting.
Same rule as events.py: add fields, never rename or drop them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import fields, post_load, validate

from .events import MAX_QUANTITY, SoldLine, SoldLineSchema, _EventSchema, _id
from .registry import contract


def _business() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=32))


def _quantity() -> fields.Decimal:
    return fields.Decimal(
        required=True,
        places=3,
        as_string=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY),
    )


# --- SaleVoided: payments -> inventory, reporting -------------------------------------------------
class SaleVoidedSchema(_EventSchema):
    sale_id = _id()
    business = _business()
    created_at = fields.AwareDateTime(required=True)
    # Empty when the sale was never paid: its stock never left.
    lines = fields.List(fields.Nested(SoldLineSchema), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SaleVoided:
        return SaleVoided(data["sale_id"], data["business"], data["created_at"], tuple(data["lines"]))


@contract("sale_voided", version=1, queue="default", schema=SaleVoidedSchema)
@dataclass(frozen=True)
class SaleVoided:
    """A sale recorded by mistake was voided: its lines' stock comes back once, and the day of the
    sale (`created_at`) loses it from revenue (reporting re-rolls that day if it is closed)."""

    sale_id: int
    business: str
    created_at: dt.datetime
    lines: tuple[SoldLine, ...]


# --- SaleRefunded: payments -> inventory, reporting -----------------------------------------------
@dataclass(frozen=True)
class RefundedLine:
    """Goods handed back on one refund line: into stock, or written off when damaged."""

    refund_line_id: int
    product_id: int
    quantity: Decimal
    damaged: bool


class RefundedLineSchema(_EventSchema):
    refund_line_id = _id()
    product_id = _id()
    quantity = _quantity()
    damaged = fields.Boolean(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> RefundedLine:
        return RefundedLine(**data)


class SaleRefundedSchema(_EventSchema):
    refund_id = _id()
    sale_id = _id()
    business = _business()
    amount = fields.Decimal(required=True, places=2, as_string=True, validate=validate.Range(min=0))
    created_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(RefundedLineSchema), required=True, validate=validate.Length(min=1))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SaleRefunded:
        return SaleRefunded(
            data["refund_id"],
            data["sale_id"],
            data["business"],
            data["amount"],
            data["created_at"],
            tuple(data["lines"]),
        )


@contract("sale_refunded", version=1, queue="default", schema=SaleRefundedSchema)
@dataclass(frozen=True)
class SaleRefunded:
    """A refund was paid back (cash at once, M-Pesa when Daraja confirms): its goods move once, and
    reporting counts it on the refund's own day (`created_at`)."""

    refund_id: int
    sale_id: int
    business: str
    amount: Decimal
    created_at: dt.datetime
    lines: tuple[RefundedLine, ...]
