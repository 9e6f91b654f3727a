"""inventory response schemas."""

from marshmallow import Schema, fields


class ProductSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    sku = fields.String()
    name = fields.String()
    unit = fields.String()
    price = fields.Decimal(as_string=True, places=2)
    track_stock = fields.Boolean()
    stock_level = fields.Method("_stock_level")
    reorder_level = fields.Decimal(as_string=True, places=3)
    active = fields.Boolean()

    def _stock_level(self, product) -> str | None:
        return f"{product.stock_level:.3f}" if product.track_stock else None


class ProductListSchema(Schema):
    items = fields.List(fields.Nested(ProductSchema))
