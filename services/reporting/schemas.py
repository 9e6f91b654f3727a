"""reporting response schemas."""

from marshmallow import Schema, fields


class TodaySchema(Schema):
    business = fields.String()
    business_day = fields.Date()
    revenue = fields.Decimal(as_string=True, places=2)
    sales_count = fields.Integer()
    cash = fields.Decimal(as_string=True, places=2)
    mpesa = fields.Decimal(as_string=True, places=2)
