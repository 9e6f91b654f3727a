"""Per-account login limit: back-off after repeated failures, from whatever addresses they come.

The gateway limits login per client address. That alone lets many addresses guess one account's
password, and it cannot tell the shop's staff behind one Wi-Fi or carrier NAT apart. Here every
account (by normalised username, known or not, so the answer tells nothing about which exist)
keeps a count of recent failures in the cache Redis: the first FREE_FAILURES are free, then each
further failure closes that account's login for twice as long as the last (5 s, 10 s, 20 s ...,
at most MAX_LOCK_SECONDS). While closed, tries get 429 with Retry-After and the password is not
even checked; a success clears the count. So the rightful user waits at most a minute, while a
guesser gets about one try a minute per account. No database change.
"""

from __future__ import annotations

import hashlib
import logging
import math

from redis.exceptions import RedisError

from common.cache import cache_redis
from common.errors import TooManyRequests

log = logging.getLogger("tomtin.accounts.login")
FREE_FAILURES = 5
FIRST_LOCK_SECONDS = 5
MAX_LOCK_SECONDS = 60
WINDOW_SECONDS = 15 * 60  # failures older than this (without a newer one) are forgotten


def _keys(username: str) -> tuple[str, str]:
    # Hashed: keys stay short and hold no user-typed text.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"tomtin:login:failures:{digest}", f"tomtin:login:closed:{digest}"


def check(username: str) -> None:
    """Raise TooManyRequests while this account's login is closed."""
    _, closed = _keys(username)
    try:
        remaining_ms = cache_redis().pttl(closed)
    except RedisError:
        log.warning("login limit unavailable; not limiting", exc_info=True)
        return
    if remaining_ms > 0:
        raise TooManyRequests(
            "Too many wrong passwords for this account; wait before trying again.",
            retry_after=math.ceil(remaining_ms / 1000),
        )


def failed(username: str) -> None:
    """Count a failure; past the free ones, close the account's login for a doubling while."""
    failures, closed = _keys(username)
    try:
        redis = cache_redis()
        count = redis.incr(failures)
        redis.expire(failures, WINDOW_SECONDS)
        if count >= FREE_FAILURES:
            seconds = min(FIRST_LOCK_SECONDS * 2 ** min(count - FREE_FAILURES, 16), MAX_LOCK_SECONDS)
            redis.set(closed, b"1", ex=seconds)
    except RedisError:
        log.warning("login limit unavailable; failure not counted", exc_info=True)


def succeeded(username: str) -> None:
    """The rightful user got in: forget the account's failures."""
    try:
        cache_redis().delete(*_keys(username))
    except RedisError:
        log.warning("login limit unavailable; failures not cleared", exc_info=True)
