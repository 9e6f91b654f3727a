"""Signed, expiring bearer tokens that every service verifies locally.

Accounts issues an HS256 JWT signed with SECRET_KEY; the other services verify it
without a network hop. Logout puts the token's id on a Redis denylist until it expires.
Disabling a user (or changing their role, businesses or password) ends every session they have:
each token carries the user's session number (`sv`), and accounts records in Redis the lowest
number still valid, which every service reads in the same round trip as the denylist.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from flask import current_app, g, request

from .businesses import find
from .cache import cache_redis
from .errors import Forbidden, Unauthorized, Unavailable

log = logging.getLogger("tomtin.auth")
ALGORITHM = "HS256"
ISSUER = "tomtin-accounts"
ROLES = ("owner", "staff")


# Why a token is refused, by reason: the 401's detail. The reason itself travels in the
# X-Token-Refusal header, so the gateway, which refuses tokens on accounts' word (its session check,
# gateway/README.md), answers in the same words (its map of these lives in nginx.conf.template).
REFUSALS = {
    "missing": "Log in first: send 'Authorization: Bearer <token>'.",
    "invalid": "The token is not valid.",
    "expired": "The token has expired; log in again.",
    "logged-out": "This token was logged out; log in again.",
    "ended": "Your account was changed or disabled; log in again.",
}


class TokenRefused(Unauthorized):
    """401 for a missing, invalid, expired, logged-out or ended token; names the reason in a header."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSALS[reason])
        self.reason = reason
        self.headers = {"X-Token-Refusal": reason}


@dataclass(frozen=True)
class Principal:
    """Who is calling: taken from a verified token."""

    user_id: int
    username: str
    role: str
    businesses: tuple[str, ...]
    token_id: str
    expires_at: dt.datetime
    session: int = 0

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


def issue_token(
    secret: str,
    user_id: int,
    username: str,
    role: str,
    businesses: list[str],
    ttl_seconds: int,
    session: int = 0,
) -> tuple[str, dt.datetime]:
    """Sign a token for a user; returns the token and its expiry."""
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(seconds=ttl_seconds)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "name": username,
        "role": role,
        "biz": sorted(businesses),
        "jti": uuid.uuid4().hex,
        "sv": session,
        "iat": now,
        "exp": expires,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires


# Tokens already verified by this process, with their expiry (a Unix time): a token's signature
# and claims never change, so each is verified once (the signature check and the claims' parsing
# were about a tenth of a poll's CPU) and only its expiry is compared again; the denylist is still
# read on every request. Bounded (a phone keeps one token for 12 h), emptied when full.
_VERIFIED: dict[tuple[str, str], tuple[Principal, int]] = {}
VERIFIED_MAX = 256


def decode_token(secret: str, token: str) -> Principal:
    """Verify signature, expiry and issuer; raise Unauthorized otherwise."""
    known = _VERIFIED.get((secret, token))
    if known is None:
        known = _verify(secret, token)
        if len(_VERIFIED) >= VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[(secret, token)] = known
    principal, expires = known
    # PyJWT's own rule, without leeway: expired from the second `exp` names.
    if time.time() >= expires:
        raise TokenRefused("expired")
    return principal


def _verify(secret: str, token: str) -> tuple[Principal, int]:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "jti", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenRefused("expired") from exc
    except jwt.PyJWTError as exc:
        raise TokenRefused("invalid") from exc
    if claims["role"] not in ROLES:
        raise TokenRefused("invalid")
    principal = Principal(
        user_id=int(claims["sub"]),
        username=claims.get("name", ""),
        role=claims["role"],
        businesses=tuple(claims.get("biz", [])),
        token_id=claims["jti"],
        expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
        session=int(claims.get("sv", 0)),
    )
    return principal, int(claims["exp"])


def _revoked_key(token_id: str) -> str:
    return f"tomtin:auth:revoked:{token_id}"


def revoke(principal: Principal) -> None:
    """Deny this token until it would have expired anyway."""
    ttl = int((principal.expires_at - dt.datetime.now(dt.UTC)).total_seconds()) + 1
    if ttl <= 0:
        return
    try:
        cache_redis().set(_revoked_key(principal.token_id), b"1", ex=ttl)
    except Exception as exc:  # noqa: BLE001 - say so rather than pretend the token is dead
        log.error("could not record logout", exc_info=True)
        raise Unavailable("Could not log out right now; try again in a moment.") from exc
    _NOT_REFUSED.pop(principal.token_id, None)


def _sessions_key(user_id: int) -> str:
    return f"tomtin:auth:sessions-from:{user_id}"


def end_sessions(user_id: int, first_valid: int, ttl_seconds: int) -> None:
    """Refuse, in every service, this user's tokens numbered below `first_valid`.

    The key outlives every token issued so far (`ttl_seconds` = the token lifetime)."""
    try:
        cache_redis().set(_sessions_key(user_id), str(first_valid), ex=ttl_seconds + 1)
    except Exception as exc:  # noqa: BLE001 - the caller must not report sessions ended
        log.error("could not end sessions", exc_info=True)
        raise Unavailable("Could not end this user's sessions right now; try again in a moment.") from exc
    _NOT_REFUSED.clear()  # tokens are remembered by id, not by user: rare enough to forget them all


def _refusal(principal: Principal) -> str | None:
    """Why a verified token is no longer accepted: "logged-out", "ended" (its user's sessions), or None."""
    try:
        revoked, first_valid = cache_redis().mget(
            _revoked_key(principal.token_id), _sessions_key(principal.user_id)
        )
    except Exception:  # noqa: BLE001 - a Redis blip must not lock every user out
        log.warning("denylist unavailable; accepting unexpired token", exc_info=True)
        return None
    if revoked:
        return "logged-out"
    if first_valid is not None and principal.session < int(first_valid):
        return "ended"
    return None


# A token the denylist did not refuse is taken on that word by this process for a second
# (TOMTIN_DENYLIST_SECONDS in the app's config): one Redis read per token per second, not one per
# request (which was a tenth of a poll's CPU). accounts reads it every time (0 s there): it answers
# the gateway's logout check, so a logout or an ended session still reaches the gateway within its
# 1–2 s. A service reached without the gateway (or while accounts cannot answer it) refuses the
# token at most a second later; this process's own logouts and ended sessions count at once.
DENYLIST_SECONDS = 1.0
_NOT_REFUSED: dict[str, float] = {}  # token id -> time.monotonic() of the read that cleared it
NOT_REFUSED_MAX = 1024


def _refusal_now(principal: Principal) -> str | None:
    """`_refusal`, or None without asking Redis if it cleared this token within the window."""
    window = current_app.config.get("TOMTIN_DENYLIST_SECONDS", DENYLIST_SECONDS)
    now = time.monotonic()
    cleared = _NOT_REFUSED.get(principal.token_id)
    if cleared is not None and now - cleared < window:
        return None
    refusal = _refusal(principal)
    if refusal:
        _NOT_REFUSED.pop(principal.token_id, None)
    elif window > 0:
        if len(_NOT_REFUSED) >= NOT_REFUSED_MAX:
            _NOT_REFUSED.clear()
        _NOT_REFUSED[principal.token_id] = now
    return refusal


def current_principal() -> Principal:
    """Authenticate the current request from its Authorization header."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise TokenRefused("missing")
    principal = decode_token(current_app.extensions["tomtin"]["settings"].secret_key, token.strip())
    refusal = _refusal_now(principal)
    if refusal:
        raise TokenRefused(refusal)
    g.principal = principal
    return principal


# Every route declares who may call it (`login_required` or `public`) as `view.auth_rule`: the
# OpenAPI document shows it (`x-auth-rule`, `security`) and the authorisation matrix test refuses
# an operation without one. A business in the path is checked by `check_business` on top.
PUBLIC, ANY_USER = "public", "user"


def login_required(role: str | None = None) -> Callable:
    """Route decorator: a valid token, and the given role if one is named."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if role is not None and principal.role != role:
                raise Forbidden(f"Only the {role} may do this.")
            return view(*args, **kwargs)

        wrapper.auth_rule = role or ANY_USER  # type: ignore[attr-defined]
        return wrapper

    return decorator


def public(view: Callable) -> Callable:
    """Route decorator: no token needed (login, and the M-Pesa hooks guarded by their path secret)."""
    view.auth_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def check_business(principal: Principal, code: str, allow_all: bool = False) -> tuple[str, ...]:
    """The business codes this request covers, from the token (accounts decides who has which).

    Only a refusal reads the published businesses: 404 for a code that is no business, else 403."""
    if allow_all and code == "all":
        return principal.businesses
    if code in principal.businesses:
        return (code,)
    find(current_app.extensions["sqlalchemy"].session, code)
    raise Forbidden(f"You do not have access to the {code} business.")
