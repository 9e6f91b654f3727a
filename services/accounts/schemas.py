"""accounts request and response schemas."""

from marshmallow import Schema, fields, validate

from common.auth import ROLES
from common.businesses import KINDS
from common.fields import PlainText

from .languages import LANGUAGES

PIN = validate.Regexp(r"^\d{4,6}$", error="A PIN is 4 to 6 digits.")
LOGIN = validate.Regexp(r"^[a-z0-9._-]{3,64}$", error="3-64 lower-case letters, digits, '.', '_' or '-'.")


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class BusinessSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    archived = fields.Boolean()


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    language = fields.String()
    businesses = fields.List(fields.Nested(BusinessSchema))
    must_change_password = fields.Boolean()


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


class NewBusinessSchema(Schema):
    name = PlainText(required=True, validate=validate.Length(1, 80))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class BusinessChangeSchema(Schema):
    name = PlainText(validate=validate.Length(1, 80))
    archived = fields.Boolean()


class StaffSchema(UserSchema):
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    has_pin = fields.Function(lambda user: user.pin_hash is not None)
    created_at = fields.DateTime()


class NewStaffSchema(Schema):
    username = PlainText(required=True, validate=LOGIN)
    display_name = PlainText(required=True, validate=validate.Length(1, 80))
    phone = PlainText(validate=validate.Length(max=20))
    role = fields.String(load_default="staff", validate=validate.OneOf(ROLES))
    businesses = fields.List(
        PlainText(validate=validate.Length(1, 16)), load_default=list, validate=validate.Length(max=50)
    )


class StaffChangeSchema(Schema):
    display_name = PlainText(validate=validate.Length(1, 80))
    phone = PlainText(validate=validate.Length(max=20), allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))
    businesses = fields.List(PlainText(validate=validate.Length(1, 16)), validate=validate.Length(1, 50))
    active = fields.Boolean()


class OneTimeCodeSchema(Schema):
    user = fields.Nested(StaffSchema)
    one_time_code = fields.String(
        metadata={"description": "Shown once: the user logs in with it, then sets a password."}
    )


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)
    new_password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class PinSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)
    pin = fields.String(required=True, validate=PIN, load_only=True)


class SwitchSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    pin = fields.String(required=True, validate=PIN, load_only=True)
