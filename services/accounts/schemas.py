"""accounts request and response schemas."""

from marshmallow import Schema, fields, validate

from .languages import LANGUAGES


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class BusinessSchema(Schema):
    code = fields.String()
    name = fields.String()


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    language = fields.String()
    businesses = fields.List(fields.Nested(BusinessSchema))


class LanguageSchema(Schema):
    language = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGES, error="Choose en (English) or sw (Kiswahili)."),
        metadata={"description": "The language the app is shown in.", "enum": list(LANGUAGES)},
    )


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)
