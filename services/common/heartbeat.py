"""The scheduler's heartbeat: a job owned by the shared package itself (no service app needed)."""

from __future__ import annotations

import datetime as dt

from rq import get_current_job

from .health import HEARTBEAT_KEY
from .periodic import every

HEARTBEAT_TTL = 24 * 3600


@every(seconds=30, queue="default", timeout=30)
def heartbeat() -> str:
    """Record that the scheduler -> queue -> worker path works; /readyz reports its age."""
    stamp = dt.datetime.now(dt.UTC).isoformat()
    get_current_job().connection.set(HEARTBEAT_KEY, stamp, ex=HEARTBEAT_TTL)
    return stamp
