"""inventory request and response schemas (they also make the OpenAPI document)."""

from marshmallow import EXCLUDE, Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from common.fields import AsOf, ChangedSince, Money, PlainText, Quantity
from common.ids import MAX_ID, Id

from .services import MANUAL_KINDS

MAX_PRICE = 99_999_999
MAX_QUANTITY = 1_000_000
_ID = validate.Range(min=1, max=MAX_ID)
_SKU = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error="Letters, digits, '.', '_' or '-' (1-40).")


class QuerySchema(Schema):
    class Meta:
        # Query strings tolerate extras (cache busters); JSON bodies refuse unknown fields.
        unknown = EXCLUDE


class DeltaQuerySchema(QuerySchema):
    changed_since = ChangedSince()


class MovementQuerySchema(QuerySchema):
    product_id = fields.Integer(validate=_ID)
    before_id = fields.Integer(validate=_ID, metadata={"description": "Older than this movement id."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ProductSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    sku = fields.String()
    name = fields.String()
    unit = fields.String()
    price = fields.Decimal(as_string=True, places=2)
    track_stock = fields.Boolean()
    stock_level = fields.Method("_stock_level", metadata={"type": "string", "nullable": True})
    reorder_level = fields.Decimal(as_string=True, places=3)
    active = fields.Boolean()
    updated_at = fields.DateTime()

    def _stock_level(self, product) -> str | None:
        return f"{product.stock_level:.3f}" if product.track_stock else None


class ProductListSchema(Schema):
    items = fields.List(fields.Nested(ProductSchema))
    as_of = AsOf()


class ProductCreateSchema(Schema):
    sku = PlainText(required=True, validate=_SKU)
    name = PlainText(required=True, validate=validate.Length(1, 120))
    unit = PlainText(required=True, validate=validate.Length(1, 16))
    price = Money(required=True, validate=validate.Range(min=0, max=MAX_PRICE))
    track_stock = fields.Boolean(required=True)
    reorder_level = Quantity(load_default=0, validate=validate.Range(min=0, max=MAX_QUANTITY))
    active = fields.Boolean(load_default=True)


class ProductUpdateSchema(Schema):
    name = PlainText(validate=validate.Length(1, 120))
    unit = PlainText(validate=validate.Length(1, 16))
    reorder_level = Quantity(validate=validate.Range(min=0, max=MAX_QUANTITY))
    active = fields.Boolean()

    @validates_schema
    def _not_empty(self, data, **kwargs) -> None:
        if not data:
            raise ValidationError("Send at least one of name, unit, reorder_level, active.", "_schema")


class PriceSchema(Schema):
    price = Money(required=True, validate=validate.Range(min=0, max=MAX_PRICE))


class PriceHistorySchema(Schema):
    price = fields.Decimal(as_string=True, places=2)
    valid_from = fields.DateTime()
    changed_by = fields.Integer(allow_none=True)


class PriceHistoryListSchema(Schema):
    items = fields.List(fields.Nested(PriceHistorySchema))
    as_of = AsOf()


class CostSchema(Schema):
    cost = Money(required=True, validate=validate.Range(min=0, max=MAX_PRICE))


class ProductCostSchema(Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    unit = fields.String()
    price = fields.Decimal(as_string=True, places=2)
    cost = fields.Decimal(as_string=True, places=2, allow_none=True)
    active = fields.Boolean()


class ProductCostListSchema(Schema):
    items = fields.List(fields.Nested(ProductCostSchema))


class CostHistorySchema(Schema):
    cost = fields.Decimal(as_string=True, places=2)
    valid_from = fields.DateTime()
    changed_by = fields.Integer(allow_none=True)


class CostHistoryListSchema(Schema):
    items = fields.List(fields.Nested(CostHistorySchema), metadata={"description": "Newest first."})


class StockItemSchema(Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    unit = fields.String()
    stock_level = fields.Decimal(as_string=True, places=3)
    reorder_level = fields.Decimal(as_string=True, places=3)
    low = fields.Method("_low", metadata={"type": "boolean"})
    active = fields.Boolean()
    updated_at = fields.DateTime()

    def _low(self, product) -> bool:
        return product.stock_level <= product.reorder_level


class StockListSchema(Schema):
    items = fields.List(fields.Nested(StockItemSchema))
    as_of = AsOf()


class MovementCreateSchema(Schema):
    product_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MANUAL_KINDS))
    quantity = Quantity(
        required=True,
        validate=validate.Range(min=-MAX_QUANTITY, max=MAX_QUANTITY),
        metadata={"description": "More than zero; signed (non-zero) for an adjust."},
    )
    reason = PlainText(
        validate=validate.Length(1, 200), metadata={"description": "Required for adjust, write_off."}
    )
    idempotency_key = fields.UUID(
        metadata={"description": "Made on the phone; a retry records nothing twice."}
    )


class MovementSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    business = fields.String()
    kind = fields.String()
    quantity = fields.Decimal(as_string=True, places=3)
    reason = fields.String(allow_none=True)
    source_type = fields.String(allow_none=True)
    source_id = fields.Integer(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class MovementListSchema(Schema):
    items = fields.List(fields.Nested(MovementSchema))
    as_of = AsOf()
