"""accounts HTTP API: login, logout, who am I."""

from flask import current_app
from flask_smorest import Blueprint

from common.auth import current_principal, login_required, public, revoke

from . import services
from .schemas import LanguageSchema, LoginSchema, TokenSchema, UserSchema

bp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login and identity")


@bp.post("/login")
@public
@bp.arguments(LoginSchema)
@bp.response(200, TokenSchema)
def login(body):
    """Exchange a username and password for a signed, expiring token."""
    settings = current_app.extensions["tomtin"]["settings"]
    return services.login(body["username"], body["password"], settings.secret_key, settings.token_ttl_seconds)


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
    """204 while the caller's token is valid and not logged out: the gateway's revocation check."""


@bp.put("/me/language")
@login_required()
@bp.arguments(LanguageSchema)
@bp.response(200, UserSchema)
def set_language(body):
    """Change the language the app is shown in for the logged-in user (en or sw)."""
    return services.set_language(current_principal().user_id, body["language"])
