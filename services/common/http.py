"""Pollable JSON responses: strong ETag, 304 on If-None-Match, freshness, micro-cache marker."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, json, request

from .cache import remember

# Audiences the gateway may micro-cache for: "business" (shared by users of one business,
# keyed on the business in the URL) or "user" (keyed on the caller's token).
AUDIENCES = ("business", "user")


def now_iso() -> str:
    """Server time in UTC, ISO-8601, for `as_of` fields."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def encode(payload: dict[str, Any]) -> tuple[bytes, str]:
    """Serialise with a fresh `as_of` (or the payload's own); the strong ETag covers the data only.

    Leaving `as_of` out of the ETag means an unchanged data set keeps its ETag when
    the cache entry is rebuilt, so a polling phone keeps getting cheap 304s.
    """
    data = {key: value for key, value in payload.items() if key != "as_of"}
    encoded = _dumps(data)
    etag = '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'
    # The body is the same document with `as_of` added last: the data is serialised once.
    as_of = b'"as_of":' + _dumps(payload.get("as_of") or now_iso())
    return encoded[:-1] + (b"," if data else b"") + as_of + b"}", etag


def _etag_matches(etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, "*") for tag in header.split(","))


def pollable(body: bytes, etag: str, audience: str | None = "business", max_age: int = 1) -> Response:
    """A response that honours If-None-Match and tells the gateway whom it may be shared with."""
    response = Response(status=304) if _etag_matches(etag) else Response(body, mimetype="application/json")
    response.headers["ETag"] = etag
    # The browser must revalidate every time (cheap with the ETag) ...
    response.headers["Cache-Control"] = "private, no-cache"
    if audience is not None:
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        # ... while Nginx may reuse it for about a second for the same audience only.
        response.headers["X-Accel-Expires"] = str(max_age)
        response.headers["X-Cache-Audience"] = audience
    return response


def cached_pollable(
    dataset: str,
    scope: str,
    key: str,
    ttl: int,
    build: Callable[[], dict[str, Any]],
    audience: str | None = "business",
) -> Response:
    """Build (or reuse from Redis) a payload, and answer it as pollable."""

    body, etag = remember(dataset, scope, key, ttl, lambda: encode(build()))
    return pollable(body, etag, audience)
