"""The events services send each other. Add fields, never rename or drop them: a change that
would break an old payload is a new version, with an upcaster from the old one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from .registry import contract

MAX_ID = 2**63 - 1  # the bigint ids of the producer's rows
MAX_QUANTITY = Decimal("1000000")  # what inventory accepted before contracts: nothing old is refused


def _id() -> fields.Integer:
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class _EventSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # a newer producer may add fields; this consumer ignores them


# --- SalePaid: payments -> inventory --------------------------------------------------------------
@dataclass(frozen=True)
class SoldLine:
    """One line of a paid sale: stock to move once, keyed by the sale line's id."""

    sale_line_id: int
    product_id: int
    quantity: Decimal


class SoldLineSchema(_EventSchema):
    sale_line_id = _id()
    product_id = _id()
    quantity = fields.Decimal(
        required=True,
        places=3,
        as_string=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY),
    )

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SoldLine:
        return SoldLine(**data)


class SalePaidSchema(_EventSchema):
    sale_id = _id()
    business = fields.String(required=True, validate=validate.Length(min=1, max=32))
    lines = fields.List(fields.Nested(SoldLineSchema), required=True, validate=validate.Length(min=1))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SalePaid:
        return SalePaid(data["sale_id"], data["business"], tuple(data["lines"]))


def _without_event_id(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2: the event id moved from the payload to the envelope (it is the acknowledgement key)."""
    return {key: value for key, value in payload.items() if key != "event_id"}


@contract("sale_paid", version=2, queue="default", schema=SalePaidSchema, upcasters={1: _without_event_id})
@dataclass(frozen=True)
class SalePaid:
    """A sale became paid (cash at once, M-Pesa when its payment is PAID): inventory moves its stock."""

    sale_id: int
    business: str
    lines: tuple[SoldLine, ...]


# --- SaleChanged: payments -> reporting -----------------------------------------------------------
class SaleChangedSchema(_EventSchema):
    business = fields.String(required=True, validate=validate.Length(min=1, max=32))
    sale_id = _id()
    created_at = fields.AwareDateTime(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SaleChanged:
        return SaleChanged(**data)


@contract(
    "sale_changed", version=2, queue="reporting", schema=SaleChangedSchema, upcasters={1: _without_event_id}
)
@dataclass(frozen=True)
class SaleChanged:
    """A sale changed (recorded, paid, failed, retried, order status): reporting re-rolls its day."""

    business: str
    sale_id: int
    created_at: dt.datetime


# --- EventApplied: the dispatcher -> the producer ------------------------------------------------
class EventAppliedSchema(_EventSchema):
    event_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    event = fields.String(required=True, validate=validate.Length(min=1, max=64))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=32))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> EventApplied:
        return EventApplied(**data)


@contract("event_applied", version=1, queue="default", schema=EventAppliedSchema, acknowledged=False)
@dataclass(frozen=True)
class EventApplied:
    """Every consumer of the producer's event `event_id` applied it: the producer stops re-sending it."""

    event_id: str
    event: str
    producer: str
