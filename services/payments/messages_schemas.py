"""Request and response schemas of text messages (the owner's Messages screen)."""

from marshmallow import Schema, ValidationError, fields, validates_schema

from common.ids import Id

from .services.messages_sender import REASONS


class MessageSchema(Schema):
    id = fields.Integer()
    business = fields.String()
    kind = fields.String()
    phone = fields.String()
    customer_id = fields.Integer(allow_none=True)
    language = fields.String()
    body = fields.String()
    parts = fields.Integer()
    status = fields.String()
    provider_status = fields.String(allow_none=True)
    reason = fields.String(attribute="failure_reason", allow_none=True)
    reason_text = fields.Method("_reason_text", allow_none=True)
    cost = fields.Decimal(as_string=True, places=2, allow_none=True)
    attempts = fields.Integer()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)

    def _reason_text(self, message) -> str | None:
        return REASONS.get(message.failure_reason) if message.failure_reason else None


class MonthSchema(Schema):
    month = fields.String()
    count = fields.Integer()
    cost = fields.Decimal(as_string=True, places=2)


class AlertsSchema(Schema):
    business = fields.String()
    low_stock = fields.Boolean()
    daily_summary = fields.Boolean()


class OptOutSchema(Schema):
    phone = fields.String()
    source = fields.String()
    created_at = fields.DateTime()


class MessagesPageSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema))
    month = fields.Nested(MonthSchema)
    alerts = fields.List(fields.Nested(AlertsSchema))
    opt_outs = fields.List(fields.Nested(OptOutSchema))
    alert_phones = fields.List(fields.String())  # the owners' phones the alerts go to


class MessagesArgsSchema(Schema):
    business = fields.String(load_default="all")
    before_id = Id(load_default=None)


class AlertsChangeSchema(Schema):
    low_stock = fields.Boolean(truthy={True}, falsy={False})
    daily_summary = fields.Boolean(truthy={True}, falsy={False})

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if not data:
            raise ValidationError("Send low_stock and/or daily_summary (true or false).", "_schema")
