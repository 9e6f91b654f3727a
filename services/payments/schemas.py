"""payments response schemas."""

from marshmallow import Schema, fields


class SaleLineSchema(Schema):
    product_id = fields.Integer()
    name = fields.String()
    quantity = fields.Decimal(as_string=True, places=3)
    unit_price = fields.Decimal(as_string=True, places=2)
    line_total = fields.Decimal(as_string=True, places=2)


class SaleSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    total = fields.Decimal(as_string=True, places=2)
    method = fields.String()
    status = fields.String()
    customer_phone = fields.String(allow_none=True)
    created_at = fields.DateTime()
    lines = fields.List(fields.Nested(SaleLineSchema))


class SaleListSchema(Schema):
    items = fields.List(fields.Nested(SaleSchema))
