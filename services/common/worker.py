"""The RQ worker process: `python -m common.worker [queue ...]`.

Queues are listened to in priority order (payments-high first). SimpleWorker runs jobs
in-process so each service app is built once per worker, not once per job; a job killed
mid-way is safe because the state it acts on lives in PostgreSQL and every job is
idempotent (a sweep re-enqueues what was not applied).

Queues take turns (round robin, starting with payments-high): with strict priority, a storm of
M-Pesa callbacks held back every stock movement and the heartbeat job for minutes, and readiness
reported the background as stale. When the other queues are empty, callbacks get every turn.

WORKER_PROCESSES=N (default 1) forks N workers from one parent once every service's code is
imported, so they share those pages; WORKER_WITH_SCHEDULER=1 forks the scheduler
(common.scheduler) there too, instead of a process that imports everything again (the small-VPS
profile does both). The parent only restarts a child that died and passes a stop signal on. Several workers may take jobs of the same event's consumers at once: each consumer is
idempotent and the ledgers it writes are unique per source (e.g. one stock movement per sale line),
so an event is never applied twice.

Two things RQ does not do on its own, added here:
- A Redis error (restart, full memory) ends RQ's work loop; this process waits with backoff
  and starts the loop again instead of exiting (under honcho an exit stops everything).
- A running job's registry entry is refreshed every few seconds with a short TTL and the
  registries are cleaned twice a minute, so a job whose worker was killed is found abandoned
  (and retried, if it has retries left) within about a minute instead of ten.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.worker import DequeueStrategy, WorkerStatus

from . import scheduler
from .backoff import Backoff
from .logs import configure_logging
from .redis_conn import QUEUE_NAMES
from .service_list import import_jobs_modules

log = logging.getLogger("tomtin.worker")
# A killed job is found abandoned at most JOB_HEARTBEAT_TTL + about two maintenance rounds later.
JOB_HEARTBEAT_INTERVAL = 10
JOB_HEARTBEAT_TTL = 30
MAINTENANCE_INTERVAL = 15
# RQ checks for maintenance between dequeues, which wait up to WORKER_TTL - 15 seconds.
WORKER_TTL = 30
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ResilientWorker(SimpleWorker):
    """SimpleWorker whose running job stays visibly alive only while this process is."""

    stop_signalled = False

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_signalled = True
        super().request_stop(signum, frame)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return JOB_HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        done = threading.Event()
        beats = threading.Thread(target=self._beat, args=(job, execution, done), daemon=True)
        beats.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            done.set()
            beats.join()
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: Job, execution: Any, done: threading.Event) -> None:
        while not done.wait(JOB_HEARTBEAT_INTERVAL):
            try:
                self.maintain_heartbeats(job, execution)
            except RedisError:
                log.warning("could not refresh the heartbeat of job %s", job.id, exc_info=True)


def run(connection: Redis, names: list[str]) -> None:
    """Work until a stop signal; a loop ended by a Redis error is started again after a pause."""
    outage = Backoff()
    stopping = threading.Event()
    while not stopping.is_set():
        worker = None
        try:
            # Building the worker already talks to Redis (it names its connection).
            worker = ResilientWorker(
                [Queue(n, connection=connection) for n in names],
                connection=connection,
                maintenance_interval=MAINTENANCE_INTERVAL,
                worker_ttl=WORKER_TTL,
            )
            worked = worker.work(
                # RQ's scheduler (one per Redis, by lock) enqueues retries that wait an interval
                # (the dispatcher retries after 1, 5 and 30 s); without it they stay "scheduled".
                with_scheduler=True,
                logging_level=os.environ.get("LOG_LEVEL", "INFO"),
                dequeue_strategy=DequeueStrategy.ROUND_ROBIN,
            )
        except RedisError as exc:
            worked = False
            log.warning("worker loop ended on %s", type(exc).__name__)
        if worker is not None and worker.stop_signalled:
            return
        if worked:
            outage.reset()
        # Until the next loop installs RQ's handlers, a stop signal ends the pause and the process.
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        delay = outage.next_delay()
        log.warning("redis fault; worker starts again", extra={"fields": {"retry_in_s": delay}})
        stopping.wait(delay)


def _work(url: str, names: list[str]) -> None:
    run(Redis.from_url(url), names)  # its own connection: nothing is shared across the fork


def _schedule(url: str, _names: list[str]) -> None:
    scheduler.run(Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))


def _fork(target: Callable[[str, list[str]], None], url: str, names: list[str]) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            # A group of its own, so a signal to the whole group (honcho, the test stack) reaches it
            # once, through the parent, and RQ's warm shutdown is not turned into a cold one; the
            # kernel stops it if the parent is killed outright.
            os.setpgid(0, 0)
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the parent died before the line above: nobody to serve
                os._exit(0)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            target(url, names)
        except BaseException:  # noqa: BLE001 - the parent sees the exit code and starts another
            log.exception("%s process failed", target.__name__)
            code = 1
        os._exit(code)
    return pid


def supervise(url: str, names: list[str], processes: int, with_scheduler: bool) -> None:
    """Fork `processes` workers (and the scheduler); start another when one dies; pass a stop
    signal on and wait."""
    stopping = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        stopping.set()
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    children: dict[int, Callable[[str, list[str]], None]] = {}
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    gc.freeze()  # imported objects stay out of the collector, so the children's copies stay shared
    for target in [_work] * processes + ([_schedule] if with_scheduler else []):
        children[_fork(target, url, names)] = target
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        target = children.pop(pid, None)
        if target is not None and not stopping.is_set():
            log.warning("%s process %s ended (status %s); starting another", target.__name__, pid, status)
            time.sleep(1)
            children[_fork(target, url, names)] = target


def main(argv: list[str] | None = None) -> None:
    """Start a worker on the given queues (default: all, by priority)."""
    names = (argv if argv is not None else sys.argv[1:]) or list(QUEUE_NAMES)
    configure_logging("worker", os.environ.get("LOG_LEVEL", "INFO"))
    import_jobs_modules()  # fills the contracts' consumer registry before the first event arrives
    url = os.environ.get("REDIS_QUEUE_URL") or exit("missing required environment variable REDIS_QUEUE_URL")
    processes = int(os.environ.get("WORKER_PROCESSES", "1"))
    with_scheduler = os.environ.get("WORKER_WITH_SCHEDULER") == "1"
    if processes > 1 or with_scheduler:
        supervise(url, names, processes, with_scheduler)
    else:
        run(Redis.from_url(url), names)


if __name__ == "__main__":
    main()
