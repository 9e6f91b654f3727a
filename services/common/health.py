"""/healthz (the process answers) and /readyz (PostgreSQL and Redis answer, the background runs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from .cache import cache_redis
from .redis_conn import queue_redis

HEARTBEAT_KEY = "tomtin:scheduler:heartbeat"
HEARTBEAT_STALE_SECONDS = 180


def health_blueprint(engine: Callable[[], sa.Engine]) -> Blueprint:
    """Health routes for a service whose engine `engine()` returns."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        """The process is up."""
        return jsonify(status="ok", service=current_app.name)

    @bp.get("/readyz")
    def readyz():
        """PostgreSQL and both Redis databases answer and the scheduler's heartbeat is recent."""
        checks: dict[str, str] = {}
        try:
            with engine().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            checks["postgres"] = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports, it does not raise
            checks["postgres"] = f"error: {type(exc).__name__}"
        for name, client in (("redis_queue", queue_redis), ("redis_cache", cache_redis)):
            try:
                client().ping()
                checks[name] = "ok"
            except Exception as exc:  # noqa: BLE001
                checks[name] = f"error: {type(exc).__name__}"
        scheduler = _scheduler()
        checks["scheduler"] = scheduler["status"]
        ready = all(v == "ok" for v in checks.values())
        return jsonify(status="ok" if ready else "unavailable", checks=checks, scheduler=scheduler), (
            200 if ready else 503
        )

    return bp


def _scheduler() -> dict[str, object]:
    """The last heartbeat the scheduled job wrote.

    A missing heartbeat is not ready: it vanishes with a Redis restart, and until the
    scheduler and a worker write it again, nothing periodic (payment sweep, outbox relay,
    roll-ups) is known to run.
    """
    try:
        raw = queue_redis().get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001
        return {"status": "unknown"}
    if raw is None:
        return {"status": "missing"}
    last = dt.datetime.fromisoformat(raw.decode())
    age = (dt.datetime.now(dt.UTC) - last).total_seconds()
    return {
        "last_heartbeat": last.isoformat(),
        "age_seconds": round(age, 1),
        "status": "ok" if age < HEARTBEAT_STALE_SECONDS else "stale",
    }
