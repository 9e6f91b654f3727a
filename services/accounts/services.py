"""accounts business rules: password hashing, login, users. No Flask request here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from common.auth import BUSINESSES, ROLES, issue_token
from common.errors import InvalidInput, Unauthorized

from . import login_limit
from .models import Business, User, db

BUSINESS_NAMES = {"water": "Water Refills", "laundry": "Laundry", "retail": "Retail Shop"}
_hasher = PasswordHasher()  # Argon2id with the library's vetted defaults
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (same error for both failures)."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError):
        user = None
    if user is None or not user.active:
        raise Unauthorized("Wrong username or password.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def login(username: str, password: str, secret: str, ttl_seconds: int) -> dict:
    """Check credentials (within the account's login limit) and issue a signed token."""
    login_limit.check(username)
    try:
        user = authenticate(username, password)
    except Unauthorized:
        login_limit.failed(username)
        raise
    login_limit.succeeded(username)
    codes = [b.code for b in user.businesses]
    token, expires_at = issue_token(secret, user.id, user.username, user.role, codes, ttl_seconds)
    return {"token": token, "token_type": "Bearer", "expires_at": expires_at, "user": user}


def get_user(user_id: int) -> User:
    """An active user by id, or Unauthorized (a deleted user's token stops working)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("This account no longer exists.")
    return user


def ensure_businesses() -> None:
    """Create the three businesses if they are missing (idempotent)."""
    for code in BUSINESSES:
        if db.session.get(Business, code) is None:
            db.session.add(Business(code=code, name=BUSINESS_NAMES[code]))
    db.session.commit()


def create_user(
    username: str, password: str, role: str, businesses: Iterable[str], display_name: str = ""
) -> User:
    """Create (or reset) a user with a role and the businesses they may act for."""
    username = username.strip().lower()
    codes = sorted(set(businesses))
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {ROLES}", {"role": ["Unknown role."]})
    if not codes or any(code not in BUSINESSES for code in codes):
        raise InvalidInput("unknown business", {"businesses": ["Unknown business."]})
    if len(password) < 8:
        raise InvalidInput("password too short", {"password": ["At least 8 characters."]})
    ensure_businesses()
    user = db.session.scalar(sa.select(User).where(User.username == username)) or User(username=username)
    user.display_name = display_name or username.title()
    user.password_hash = hash_password(password)
    user.role = role
    user.active = True
    user.businesses = [db.session.get(Business, code) for code in codes]
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
