"""Redis connections, created lazily per app (never at import time).

DB 0 (REDIS_QUEUE_URL) carries RQ queues; DB 1 (REDIS_CACHE_URL) carries the cache.
"""

from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue

QUEUE_NAMES = ("payments-high", "default", "reporting")


def queue_redis() -> Redis:
    """The app's Redis connection for RQ (DB 0)."""
    ext = current_app.extensions["tomtin"]
    if ext.get("queue_redis") is None:
        ext["queue_redis"] = Redis.from_url(
            ext["settings"].redis_queue_url, socket_timeout=2, socket_connect_timeout=2
        )
    return ext["queue_redis"]


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    """An RQ queue by purpose name; unknown names are a programming error."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=connection or queue_redis())
