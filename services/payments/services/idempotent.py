"""Idempotency keys on new rows (sales, refunds): the request's hash, the first answer kept and
replayed, and the commit that loses a race for its key answering what the winner answered."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common.errors import InvalidInput

from ..models import db


def request_hash(business: str, body: dict[str, Any]) -> str:
    """sha256 of the canonical request, so the same key with another body can be told apart."""
    canonical = json.dumps({"business": business, **body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay_of(model: Any, key: uuid.UUID, digest: str, what: str) -> dict[str, Any] | None:
    """The first answer stored under an idempotency key on `model`'s rows, if the body is the same."""
    row = db.session.execute(
        sa.select(model.request_hash, model.response_body).where(model.idempotency_key == key)
    ).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise InvalidInput(
            f"This idempotency key was already used with a different body; send a new key for a new {what}.",
            {"Idempotency-Key": ["idempotency key reused with a different body"]},
        )
    return row.response_body


def commit_first(
    row: Any,
    answer: Callable[[], dict[str, Any]],
    key_constraint: str,
    replay: Callable[[], dict[str, Any] | None],
) -> tuple[dict[str, Any], bool]:
    """Flush the new `row`, keep `answer()` (which may write more: outbox rows) as its replayed
    body and commit; returns (body, True). When a concurrent request with the same key committed
    first, nothing of this one is kept and the winner's body comes back: (body, False)."""
    try:
        db.session.flush()
        body = answer()
        row.response_body = body
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if key_constraint not in str(exc.orig):
            raise
        first = replay()
        if first is None:
            raise
        return first, False
    return body, True
