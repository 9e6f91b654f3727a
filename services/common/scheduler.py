"""The single scheduler process: RQ's CronScheduler behind a Redis leader lock.

Several scheduler processes may be started (e.g. one per host); only the one holding
the lock enqueues, so every periodic job runs once per period. The others stand by
and take over within one lock TTL if the leader dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import uuid

from redis import Redis
from redis.exceptions import RedisError
from rq.cron import CronScheduler

from . import heartbeat  # noqa: F401 - declares the shared heartbeat job
from .backoff import Backoff
from .logs import configure_logging
from .periodic import declared
from .service_list import import_jobs_modules

LOCK_KEY = "tomtin:scheduler:leader"
LOCK_TTL = 30
log = logging.getLogger("tomtin.scheduler")

# Renew only if we still own the lock: compare-and-expire in one atomic step.
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end return 0"
)


class LeaderLock:
    """A Redis lock with a TTL that the holder renews while it is alive."""

    def __init__(self, connection: Redis, ttl: int = LOCK_TTL) -> None:
        self.connection = connection
        self.ttl = ttl
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def hold(self) -> bool:
        """Acquire or renew; True while this process is the leader."""
        if self.connection.set(LOCK_KEY, self.token, nx=True, ex=self.ttl):
            return True
        return bool(self.connection.eval(_RENEW, 1, LOCK_KEY, self.token, self.ttl))

    def release(self) -> None:
        if self.connection.get(LOCK_KEY) == self.token.encode():
            self.connection.delete(LOCK_KEY)


def build_scheduler(connection: Redis) -> CronScheduler:
    """A CronScheduler with every periodic job declared by `@every` (common.periodic)."""
    import_jobs_modules()
    scheduler = CronScheduler(connection=connection)
    for entry in declared():
        scheduler.register(
            entry.func,
            entry.queue,
            interval=entry.interval,
            job_timeout=entry.timeout,
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
        )
    return scheduler


def run(connection: Redis) -> None:
    """Loop until SIGTERM/SIGINT: lead and enqueue due jobs, or stand by.

    A Redis error (restart, full memory) never ends the loop: the process waits with
    backoff and carries on when Redis answers again. Exiting would stop every periodic
    job for good, and under honcho it would stop every other process too.
    """
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    lock = LeaderLock(connection)
    scheduler = build_scheduler(connection)
    leading = False
    outage = Backoff()
    while not stopping.is_set():
        try:
            pause = _tick(lock, scheduler, leading)
            leading = pause is not None
            if outage.failures:
                log.info("redis answers again; scheduler carries on")
            outage.reset()
        except RedisError as exc:
            leading = False
            pause = outage.next_delay()
            log.warning(
                "redis error; scheduler retries",
                extra={"fields": {"error": type(exc).__name__, "retry_in_s": pause}},
            )
        stopping.wait(max(pause if pause is not None else LOCK_TTL / 3, 0.2))
    with contextlib.suppress(RedisError):  # if Redis is down, the lock expires within its TTL
        lock.release()


def _tick(lock: LeaderLock, scheduler: CronScheduler, leading: bool) -> float | None:
    """One round: enqueue due jobs if leader; the pause before the next round (None: standing by)."""
    if not lock.hold():
        return None
    if not leading:
        log.info("scheduler is leader", extra={"fields": {"token": lock.token}})
    for job in scheduler.enqueue_jobs():
        log.info("enqueued", extra={"fields": {"job": job.func_name, "queue": job.queue_name}})
    return min(scheduler.calculate_sleep_interval(), LOCK_TTL / 3)


def main() -> None:
    """Entry point: `python -m common.scheduler`."""
    configure_logging("scheduler", os.environ.get("LOG_LEVEL", "INFO"))
    url = os.environ.get("REDIS_QUEUE_URL") or exit("missing required environment variable REDIS_QUEUE_URL")
    run(Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))


if __name__ == "__main__":
    main()
