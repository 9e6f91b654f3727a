"""The owner's set-up: businesses (open, rename, archive) and staff (add, change, disable, reset).

No Flask request here. Every change to a user that alters what their token says (role,
businesses, disabled, password reset) ends their sessions at once (services.end_all_sessions).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa

from common import audit
from common.auth import Principal
from common.businesses import CODE
from common.errors import Conflict, InvalidInput, NotFound
from common.phone import InvalidPhone, normalise_phone

from .models import Business, User, audit_log, db
from .services import end_all_sessions, set_one_time_code

_NOT_CODE = re.compile(r"[^a-z0-9]+")
CODE_LENGTH = 16


def _record(actor: Principal, action: str, subject: str, before: dict | None, after: dict | None) -> None:
    audit.record(db.session, audit_log, actor, action, subject, before, after)


def _business_seen(business: Business) -> dict[str, Any]:
    return {"name": business.name, "kind": business.kind, "archived": business.archived}


def _user_seen(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "phone": user.phone,
        "role": user.role,
        "businesses": sorted(b.code for b in user.businesses),
        "active": user.active,
    }


def list_businesses() -> list[Business]:
    """Every business, archived ones last."""
    return list(db.session.scalars(sa.select(Business).order_by(Business.archived, Business.name)))


def _found(row: Any, missing: str) -> Any:
    if row is None:
        raise NotFound(missing)
    return row


def _business(code: str) -> Business:
    found = db.session.get(Business, code) if CODE.fullmatch(code) else None
    return _found(found, f"Unknown business {code!r}.")


def _new_code(name: str) -> str:
    """A URL-safe code from the name ("Mama's Duka" -> "mama-s-duka"), unique, fixed from now on."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = _NOT_CODE.sub("-", ascii_name).strip("-")[: CODE_LENGTH - 3].strip("-") or "business"
    if not base[0].isalpha():
        base = f"b-{base}"[: CODE_LENGTH - 3]
    taken = set(db.session.scalars(sa.select(Business.code).where(Business.code.like(f"{base}%"))))
    if base not in taken and base != "all":
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


def _check_name_free(name: str, code: str | None = None) -> None:
    same = db.session.scalar(sa.select(Business).where(sa.func.lower(Business.name) == name.lower()))
    if same is not None and same.code != code:
        raise Conflict(f"There is already a business called {same.name!r}.")


def open_business(name: str, kind: str, actor: Principal) -> Business:
    """A new business of a kind; every owner works in it at once (after refreshing their token)."""
    _check_name_free(name)
    business = Business(code=_new_code(name), name=name, kind=kind, archived=False)
    db.session.add(business)
    for owner in db.session.scalars(sa.select(User).where(User.role == "owner")):
        owner.businesses.append(business)
    _record(actor, "business_opened", f"business:{business.code}", None, _business_seen(business))
    db.session.commit()
    return business


def change_business(code: str, changes: dict[str, Any], actor: Principal) -> Business:
    """Rename or archive (or reopen) a business; its code and history stay."""
    business = _business(code)
    before = _business_seen(business)
    if "name" in changes:
        _check_name_free(changes["name"], code)
        business.name = changes["name"]
    if "archived" in changes:
        business.archived = changes["archived"]
    if _business_seen(business) != before:
        _record(actor, "business_changed", f"business:{code}", before, _business_seen(business))
    db.session.commit()
    return business


def history(before_id: int | None, limit: int) -> list[Any]:
    """The owner's changes to businesses and staff, newest first."""
    return audit.entries(db.session, audit_log, before_id, limit)


def list_staff() -> list[User]:
    """Everyone who can log in (or could, if disabled), owners first."""
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.display_name)))


def _user(user_id: int) -> User:
    return _found(db.session.get(User, user_id), f"No user {user_id}.")


def _phone(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise InvalidInput("bad phone", {"phone": [str(exc)]}) from exc


def _open_businesses(codes: list[str]) -> list[Business]:
    if not codes:
        raise InvalidInput("no business", {"businesses": ["Choose at least one business."]})
    chosen = list(db.session.scalars(sa.select(Business).where(Business.code.in_(codes))))
    unknown = sorted(set(codes) - {b.code for b in chosen if not b.archived})
    if unknown:
        raise InvalidInput(
            "unknown business", {"businesses": [f"Unknown or archived: {', '.join(unknown)}."]}
        )
    return chosen


def add_staff(fields: dict[str, Any], ttl_seconds: int, actor: Principal) -> tuple[User, str]:
    """A new user and the one-time code they log in with (shown to the owner once)."""
    username = fields["username"].lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"The login {username!r} is taken; choose another.")
    user = User(
        username=username,
        display_name=fields["display_name"],
        phone=_phone(fields.get("phone")),
        role=fields["role"],
        businesses=list_businesses() if fields["role"] == "owner" else _open_businesses(fields["businesses"]),
    )
    db.session.add(user)
    code = set_one_time_code(user, ttl_seconds)
    db.session.flush()
    _record(actor, "user_added", f"user:{user.username}", None, _user_seen(user))
    db.session.commit()
    return user, code


def change_staff(actor: Principal, user_id: int, changes: dict[str, Any], ttl_seconds: int) -> User:
    """Rename, change phone, role or businesses, disable or enable a user.

    A change to what their token says (role, businesses, disabled) ends their sessions."""
    user = _user(user_id)
    if user_id == actor.user_id and (
        changes.get("active") is False or changes.get("role", "owner") != "owner"
    ):
        raise Conflict("You cannot disable yourself or take away your own owner role.")
    seen = _user_seen(user)
    if "display_name" in changes:
        user.display_name = changes["display_name"]
    if "phone" in changes:
        user.phone = _phone(changes["phone"])
    before = (user.role, sorted(b.code for b in user.businesses), user.active)
    if "role" in changes:
        user.role = changes["role"]
    if user.role == "owner":
        user.businesses = list_businesses()  # an owner works in every business
    elif "businesses" in changes:
        user.businesses = _open_businesses(changes["businesses"])
    if "active" in changes:
        user.active = changes["active"]
    if before != (user.role, sorted(b.code for b in user.businesses), user.active):
        end_all_sessions(user, ttl_seconds)
    if _user_seen(user) != seen:
        _record(actor, "user_changed", f"user:{user.username}", seen, _user_seen(user))
    db.session.commit()
    return user


def reset_password(user_id: int, ttl_seconds: int, actor: Principal) -> tuple[User, str]:
    """A new one-time code for the user; their old password and every session stop working."""
    user = _user(user_id)
    code = set_one_time_code(user, ttl_seconds)
    _record(actor, "password_reset", f"user:{user.username}", None, None)
    db.session.commit()
    return user, code
