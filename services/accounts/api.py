"""accounts HTTP API: login and sessions, one's own password and PIN, the owner's businesses and staff."""

from flask import current_app, request

from common.audit import AuditEntrySchema, AuditQuerySchema
from common.auth import current_principal, login_required, public, revoke
from common.openapi import Blueprint

from . import owner, services
from .schemas import (
    BusinessChangeSchema,
    BusinessSchema,
    LanguageSchema,
    LoginSchema,
    NewBusinessSchema,
    NewStaffSchema,
    OneTimeCodeSchema,
    PasswordChangeSchema,
    PinSchema,
    StaffChangeSchema,
    StaffSchema,
    SwitchSchema,
    TokenSchema,
    UserSchema,
)

bp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login and identity")


def _signing() -> tuple[str, int]:
    """The secret and lifetime every token (and every ended session) is measured by."""
    settings = current_app.extensions["tomtin"]["settings"]
    return settings.secret_key, settings.token_ttl_seconds


def _ttl() -> int:
    return _signing()[1]


@bp.post("/login")
@public
@bp.arguments(LoginSchema)
@bp.response(200, TokenSchema)
def login(body):
    """Exchange a username and password (or a one-time code) for a signed, expiring token."""
    return services.login(body["username"], body["password"], *_signing())


@bp.post("/logout")
@bp.response(204)
@login_required()
def logout():
    """Revoke the caller's token."""
    revoke(current_principal())


@bp.get("/me")
@bp.response(200, UserSchema)
@login_required()
def me():
    """The logged-in user, their role and businesses."""
    return services.get_user(current_principal().user_id)


@bp.get("/session")
@bp.response(204)
@login_required()
def session():
    """204 while the caller's token is valid, not logged out and its user's sessions not ended."""
    return None, 204, services.session_headers(current_principal(), request.headers["Authorization"])


@bp.put("/me/language")
@login_required()
@bp.arguments(LanguageSchema)
@bp.response(200, UserSchema)
def set_language(body):
    """Change the language the app is shown in for the logged-in user (en or sw)."""
    return services.set_language(current_principal().user_id, body["language"])


@bp.post("/refresh")
@bp.response(200, TokenSchema)
@login_required()
def refresh():
    """A new token with the caller's current businesses; the old token stops working."""
    return services.refresh(current_principal(), *_signing())


@bp.put("/me/password")
@login_required()
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokenSchema)
def change_password(body):
    """Change one's own password; other sessions end and this device gets a new token."""
    return services.change_password(
        current_principal(), body["current_password"], body["new_password"], *_signing()
    )


@bp.put("/me/pin")
@login_required()
@bp.arguments(PinSchema)
@bp.response(204)
def set_pin(body):
    """Choose one's PIN (4-6 digits) for switching to oneself on a shared phone."""
    services.set_pin(current_principal(), body["password"], body["pin"])


@bp.post("/switch")
@login_required()
@bp.arguments(SwitchSchema)
@bp.response(200, TokenSchema)
def switch(body):
    """Hand a shared phone to a colleague by their PIN (rate-limited); the caller's token ends."""
    return services.switch_user(current_principal(), body["username"], body["pin"], *_signing())


@bp.get("/businesses")
@login_required("owner")
@bp.response(200, BusinessSchema(many=True))
def list_businesses():
    """Every business, archived ones included (owner)."""
    return owner.list_businesses()


@bp.post("/businesses")
@login_required("owner")
@bp.arguments(NewBusinessSchema)
@bp.response(201, BusinessSchema)
def open_business(body):
    """Open a business of a kind (owner); refresh the token to work in it."""
    return owner.open_business(body["name"], body["kind"], current_principal())


@bp.patch("/businesses/<business>")
@login_required("owner")
@bp.arguments(BusinessChangeSchema)
@bp.response(200, BusinessSchema)
def change_business(body, business: str):
    """Rename, archive or reopen a business (owner); its history stays."""
    return owner.change_business(business, body, current_principal())


@bp.get("/users")
@login_required("owner")
@bp.response(200, StaffSchema(many=True))
def list_staff():
    """Everyone with a login, disabled ones included (owner)."""
    return owner.list_staff()


@bp.post("/users")
@login_required("owner")
@bp.arguments(NewStaffSchema)
@bp.response(201, OneTimeCodeSchema)
def add_staff(body):
    """Add a user (owner); the answer holds the one-time code they first log in with."""
    user, code = owner.add_staff(body, _ttl(), current_principal())
    return {"user": user, "one_time_code": code}


@bp.patch("/users/<id:user_id>")
@login_required("owner")
@bp.arguments(StaffChangeSchema)
@bp.response(200, StaffSchema)
def change_staff(body, user_id: int):
    """Change, disable or enable a user (owner); a disabled user's sessions end at once."""
    return owner.change_staff(current_principal(), user_id, body, _ttl())


@bp.get("/audit")
@login_required("owner")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditEntrySchema(many=True))
def audit_entries(args):
    """The owner's changes to businesses and staff: who, when, before and after (owner; newest first)."""
    return owner.history(args["before_id"], args["limit"])


@bp.post("/users/<id:user_id>/password-reset")
@login_required("owner")
@bp.response(200, OneTimeCodeSchema)
def reset_password(user_id: int):
    """Replace a user's password with a one-time code (owner); their sessions end."""
    user, code = owner.reset_password(user_id, _ttl(), current_principal())
    return {"user": user, "one_time_code": code}
