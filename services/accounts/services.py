"""accounts rules for signing in: passwords, one-time codes, tokens, sessions, PIN switching.

No Flask request here. The owner's set-up (businesses, staff) is in `owner.py`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from redis.exceptions import RedisError

from common.auth import ROLES, Principal, end_sessions, issue_token, revoke
from common.cache import cache_redis
from common.errors import Conflict, InvalidInput, TooManyRequests, Unauthorized, Unavailable

from . import login_limit
from .models import Business, User, db

_hasher = PasswordHasher()  # Argon2id with the library's vetted defaults
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
CODE_LIFETIME = dt.timedelta(hours=24)
# A PIN is short, so guesses are counted per person switched to and per device that guesses.
PIN_TRIES = 5
PIN_LOCK_SECONDS = 15 * 60


def hash_password(password: str) -> str:
    """Argon2id hash of a password (or PIN)."""
    return _hasher.hash(password)


def _matches(stored: str | None, given: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, given) and stored is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


def _by_username(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (same error for both failures)."""
    user = _by_username(username)
    if not _matches(user.password_hash if user else None, password) or user is None or not user.active:
        raise Unauthorized("Wrong username or password.")
    if user.must_change_password and user.code_expires_at and user.code_expires_at < dt.datetime.now(dt.UTC):
        raise Unauthorized("This one-time code has expired; ask the owner for a new one.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def token_for(user: User, secret: str, ttl_seconds: int) -> dict:
    """A signed token naming the user's role and businesses (staff: only those still open)."""
    codes = [b.code for b in user.businesses if user.role == "owner" or not b.archived]
    token, expires_at = issue_token(
        secret, user.id, user.username, user.role, codes, ttl_seconds, user.session_version
    )
    return {"token": token, "token_type": "Bearer", "expires_at": expires_at, "user": user}


def login(username: str, password: str, secret: str, ttl_seconds: int) -> dict:
    """Check credentials (within the account's login limit) and issue a signed token."""
    login_limit.check(username)
    try:
        user = authenticate(username, password)
    except Unauthorized:
        login_limit.failed(username)
        raise
    login_limit.succeeded(username)
    return token_for(user, secret, ttl_seconds)


def get_user(user_id: int) -> User:
    """An active user by id, or Unauthorized (a deleted user's token stops working)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("This account no longer exists.")
    return user


def session_headers(principal: Principal, authorization: str) -> dict[str, str]:
    """What the gateway keeps of a token accounts accepted (gateway/README.md, "Who is asking").

    X-Token-Claims names the caller for its micro-cache key. X-Token-Digest binds that to the very
    Authorization header checked here: its MD5 (base64url, nginx's secure_link form; second-preimage
    resistance is what matters, and the token's HMAC was verified here) and the token's expiry, so
    a header with the same claims part and another signature gets no claims, and none past expiry.
    """
    businesses = ",".join(principal.businesses)
    digest = base64.urlsafe_b64encode(hashlib.md5(authorization.encode()).digest()).rstrip(b"=").decode()
    return {
        "X-Token-Claims": f"{principal.user_id}:{principal.role}:{businesses}",
        "X-Token-Digest": f"{digest},{int(principal.expires_at.timestamp())}",
    }


def refresh(principal: Principal, secret: str, ttl_seconds: int) -> dict:
    """A new token with the user's current businesses (e.g. after the owner opened one); the old one ends."""
    fresh = token_for(get_user(principal.user_id), secret, ttl_seconds)
    revoke(principal)
    return fresh


def check_password(password: str) -> None:
    """A password anyone may choose: long enough to resist guessing."""
    if len(password) < 8:
        raise InvalidInput("password too short", {"new_password": ["At least 8 characters."]})


def end_all_sessions(user: User, ttl_seconds: int) -> None:
    """Every token the user holds stops working everywhere (gateway included) within 2 s.

    Called inside the transaction that changes the user, before its commit: if Redis refuses,
    the change is not committed either, rather than committed with the sessions still alive."""
    user.session_version += 1
    db.session.flush()
    end_sessions(user.id, user.session_version, ttl_seconds)


def set_one_time_code(user: User, ttl_seconds: int) -> str:
    """The user's password becomes a one-time code (8 digits) until they choose their own."""
    code = f"{secrets.randbelow(10**8):08d}"
    user.password_hash = hash_password(code)
    user.must_change_password = True
    user.code_expires_at = dt.datetime.now(dt.UTC) + CODE_LIFETIME
    if user.id is not None:
        end_all_sessions(user, ttl_seconds)
    return code


def change_password(principal: Principal, current: str, new: str, secret: str, ttl_seconds: int) -> dict:
    """Anyone changes their own password; their other sessions end and this device gets a new token."""
    user = get_user(principal.user_id)
    if not _matches(user.password_hash, current):
        raise InvalidInput(
            "wrong current password", {"current_password": ["This is not your current password."]}
        )
    check_password(new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.code_expires_at = None
    end_all_sessions(user, ttl_seconds)
    db.session.commit()
    return token_for(user, secret, ttl_seconds)


def set_pin(principal: Principal, password: str, pin: str) -> None:
    """Choose the short PIN used to switch to oneself on a shared phone (needs the password)."""
    user = get_user(principal.user_id)
    if not _matches(user.password_hash, password):
        raise InvalidInput("wrong password", {"password": ["This is not your password."]})
    user.pin_hash = hash_password(pin)
    db.session.commit()


def _count_failure(keys: Iterable[str]) -> None:
    pipe = cache_redis().pipeline()
    for key in keys:
        pipe.set(key, 0, ex=PIN_LOCK_SECONDS, nx=True)  # the window starts at the first wrong guess
        pipe.incr(key)
    pipe.execute()


def switch_user(principal: Principal, username: str, pin: str, secret: str, ttl_seconds: int) -> dict:
    """On a shared phone: hand the device to a colleague who types their PIN; the old token ends.

    Both the person switched to and the guessing device get PIN_TRIES wrong guesses per 15 min,
    then 429 for the rest of the window (nothing else changes)."""
    name = username.strip().lower()
    keys = (f"tomtin:auth:pin-failures:user:{name}", f"tomtin:auth:pin-failures:by:{principal.user_id}")
    try:
        _check_pin_tries(keys)
        return _switch(principal, name, pin, keys, secret, ttl_seconds)
    except RedisError as exc:  # without the counts a PIN could be guessed: refuse, do not guess
        raise Unavailable("Switching user is not possible right now; log in with the password.") from exc


def _check_pin_tries(keys: tuple[str, str]) -> None:
    redis = cache_redis()
    for key in keys:
        if int(redis.get(key) or 0) >= PIN_TRIES:
            raise TooManyRequests(
                "Too many wrong PINs; wait a few minutes or log in with the password.",
                retry_after=max(redis.ttl(key), 1),
            )


def _switch(
    principal: Principal, name: str, pin: str, keys: tuple[str, str], secret: str, ttl_seconds: int
) -> dict:
    user = _by_username(name)
    caller = get_user(principal.user_id)
    shared = {b.code for b in caller.businesses} & {b.code for b in user.businesses} if user else set()
    # 422, not 401: the phone's own session is fine, and a 401 would log it out.
    if user is None or not user.active or not shared or not _matches(user.pin_hash, pin):
        _count_failure(keys)
        raise InvalidInput("wrong name or PIN", {"pin": ["Wrong name or PIN."]})
    if user.must_change_password:
        raise Conflict(f"{user.display_name} must log in with the one-time code and choose a password first.")
    cache_redis().delete(keys[0])
    fresh = token_for(user, secret, ttl_seconds)
    revoke(principal)
    return fresh


def create_user(
    username: str, password: str, role: str, businesses: Iterable[str], display_name: str = ""
) -> User:
    """Seed (or reset) a user with a password, for demo data and tests; the owner uses owner.add_staff."""
    username = username.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {ROLES}", {"role": ["Unknown role."]})
    check_password(password)
    chosen = db.session.scalars(sa.select(Business).where(Business.code.in_(set(businesses)))).all()
    if not chosen or len(chosen) != len(set(businesses)):
        raise InvalidInput("unknown business", {"businesses": ["Unknown business."]})
    user = _by_username(username) or User(username=username)
    user.display_name = display_name or username.title()
    user.password_hash = hash_password(password)
    user.role = role
    user.active = True
    user.businesses = list(chosen)
    user.updated_at = dt.datetime.now(dt.UTC)
    db.session.add(user)
    db.session.commit()
    return user


def set_language(user_id: int, language: str) -> User:
    """Store the language the user reads the app in (the schema has checked it is one we have)."""
    user = get_user(user_id)
    user.language = language
    user.updated_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    return user
