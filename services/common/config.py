"""Configuration from the environment, validated once at start-up.

A missing required variable stops the process with a message naming it, so a
misconfigured deployment fails loudly at boot instead of at the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .dev_secrets import published_secret


class ConfigError(RuntimeError):
    """Raised when a required setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Settings shared by every service; `extra` holds service-specific ones."""

    service: str
    secret_key: str
    database_url: str
    redis_queue_url: str
    redis_cache_url: str
    token_ttl_seconds: int = 12 * 3600
    log_level: str = "INFO"
    testing: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def _require(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"missing required environment variable {name}")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def load_settings(
    service: str, required_extra: tuple[str, ...] = (), env: Mapping[str, str] | None = None
) -> Settings:
    """Read and validate the settings for `service` (e.g. 'inventory')."""
    env = os.environ if env is None else env
    published = published_secret(env)
    if published:
        raise ConfigError(f"{published} holds a published development value; production needs its own secret")
    db_var = f"{service.upper()}_DATABASE_URL"
    extra = {name: _require(env, name) for name in required_extra}
    secret = _require(env, "SECRET_KEY")
    if len(secret) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters")
    return Settings(
        service=service,
        secret_key=secret,
        database_url=_require(env, db_var),
        redis_queue_url=_require(env, "REDIS_QUEUE_URL"),
        redis_cache_url=_require(env, "REDIS_CACHE_URL"),
        token_ttl_seconds=_int(env, "TOKEN_TTL_SECONDS", 12 * 3600),
        log_level=env.get("LOG_LEVEL", "INFO"),
        testing=env.get("TOMTIN_TESTING", "") == "1",
        extra=extra,
    )


def optional(name: str, default: str, env: Mapping[str, str] | None = None) -> str:
    """An optional setting with a default (for tunables, never for secrets)."""
    env = os.environ if env is None else env
    return env.get(name) or default
