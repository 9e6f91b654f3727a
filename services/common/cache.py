"""Server cache on Redis DB 1 with generation counters, degrading to a miss on error.

Every key has a TTL (the shipped Redis runs `noeviction`). A write invalidates a data
set by replacing its generation token, so old entries simply stop being read and age out;
nothing deletes keys by pattern, and nothing calls FLUSHDB.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_caching import Cache
from redis import Redis

log = logging.getLogger("tomtin.cache")
cache = Cache()

# TTLs from DESIGN.md; a backstop only, since writes invalidate at once.
TTL = {
    "stock": 60,
    "prices": 300,
    "products": 900,
    "summary": 60,
    "report_live": 120,
    "report_closed": 3600,
}
GENERATION_TTL = 24 * 3600


def cache_config(prefix: str, redis_url: str, testing: bool) -> dict[str, Any]:
    """flask-caching settings: Redis, a per-service prefix, and a default TTL (never 0)."""
    return {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"tomtin:{prefix}:",
        "CACHE_DEFAULT_TIMEOUT": 60,
        "CACHE_OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
    }


def cache_redis() -> Redis:
    """A raw client on the cache DB, for the token denylist and generation tokens."""
    ext = current_app.extensions["tomtin"]
    if ext.get("cache_redis") is None:
        ext["cache_redis"] = Redis.from_url(
            ext["settings"].redis_cache_url, socket_timeout=1, socket_connect_timeout=1
        )
    return ext["cache_redis"]


def _generation_key(dataset: str, scope: str) -> str:
    return f"gen:{dataset}:{scope}"


def generation(dataset: str, scope: str) -> str | None:
    """The current generation token of a data set, creating one if absent; None if Redis is down."""
    key = _generation_key(dataset, scope)
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=GENERATION_TTL)
            token = cache.get(key)
        return token
    except Exception:  # noqa: BLE001 - cache errors degrade to a miss
        log.warning("cache unavailable reading generation %s", key, exc_info=True)
        return None


def invalidate(dataset: str, scope: str) -> None:
    """Start a new generation so every cached entry of the data set is bypassed at once."""
    key = _generation_key(dataset, scope)
    try:
        cache.set(key, uuid.uuid4().hex, timeout=GENERATION_TTL)
    except Exception:  # noqa: BLE001
        log.error("cache invalidation failed for %s", key, exc_info=True)


def remember(dataset: str, scope: str, key: str, ttl: int, build: Callable[[], Any]) -> Any:
    """Return the cached value for (dataset, scope, key), or build and store it."""
    if ttl <= 0:
        raise ValueError("every cache entry needs a positive TTL")
    if not current_app.config.get("TOMTIN_CACHE_ENABLED", True):
        return build()  # without a Redis round trip for a generation nothing will read
    gen = generation(dataset, scope)
    if gen is None:
        return build()
    full_key = f"{dataset}:{scope}:{gen}:{key}"
    try:
        hit = cache.get(full_key)
    except Exception:  # noqa: BLE001
        log.warning("cache get failed for %s", full_key, exc_info=True)
        hit = None
    if hit is not None:
        return hit
    value = build()
    try:
        cache.set(full_key, value, timeout=ttl)
    except Exception:  # noqa: BLE001
        log.warning("cache set failed for %s", full_key, exc_info=True)
    return value
