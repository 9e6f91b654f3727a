"""The scheduler and the worker ride out Redis restarts and a full Redis, and a killed job is
found abandoned and retried within about a minute (RQ alone takes about ten)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue, Retry
from rq.job import Job

from common.scheduler import LOCK_KEY
from support.env import service_environment
from support.servers import RedisServer, fill_until_refused

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "fault-test"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path, maxmemory="8mb").start()
    yield server
    server.stop()


@pytest.fixture
def start(redis_server, tmp_path):
    """Start `python -m common.<module> ...` against the private Redis; stopped at the end."""
    procs: list[subprocess.Popen] = []
    env = {
        **os.environ,
        **service_environment(),
        "PYTHONPATH": str(ROOT / "services"),
        "REDIS_QUEUE_URL": redis_server.url(0),
        "REDIS_CACHE_URL": redis_server.url(1),
        "LOG_LEVEL": "INFO",
    }

    def run(*args: str, **settings: str) -> subprocess.Popen:
        log = open(tmp_path / f"{args[0]}-{len(procs)}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", f"common.{args[0]}", *args[1:]],
            env={**env, **settings},
            stdout=log,
            stderr=log,
        )
        procs.append(proc)
        return proc

    yield run
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - Redis may still be coming back
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s")


def job_runs(redis_server: RedisServer, timeout: float = 30) -> None:
    """A job enqueued now is run by the worker."""
    job = Queue(QUEUE, connection=redis_server.client()).enqueue("time.sleep", 0)
    wait_for(lambda: job.get_status(refresh=True) == "finished", timeout, "a new job was not run")


def test_scheduler_and_worker_ride_out_a_restart_and_a_full_redis(redis_server, start):
    scheduler, worker = start("scheduler"), start("worker", QUEUE)
    queue_redis = redis_server.client()
    wait_for(lambda: queue_redis.exists(LOCK_KEY), 30, "the scheduler did not lead")
    job_runs(redis_server)

    # Redis goes away while a job runs, so the job's end meets the outage, and comes back empty.
    busy = Queue(QUEUE, connection=redis_server.client()).enqueue("time.sleep", 1)
    wait_for(lambda: busy.get_status(refresh=True) == "started", 10, "the job did not start")
    redis_server.restart(down_for=4)
    wait_for(lambda: redis_server.client().exists(LOCK_KEY), 30, "the scheduler did not lead again")
    job_runs(redis_server)

    busy = Queue(QUEUE, connection=redis_server.client()).enqueue("time.sleep", 2)
    wait_for(lambda: busy.get_status(refresh=True) == "started", 10, "the job did not start")
    assert fill_until_refused(redis_server.client(1)) > 0
    redis_server.squeeze()
    time.sleep(6)  # the job's end, the lock renewal and the worker's writes meet the full Redis
    assert scheduler.poll() is None and worker.poll() is None
    redis_server.client(1).flushdb()  # the cache keys expire or are freed
    redis_server.relieve()
    job_runs(redis_server)
    wait_for(lambda: redis_server.client().exists(LOCK_KEY), 30, "the scheduler did not lead after")
    assert scheduler.poll() is None and worker.poll() is None


def test_a_job_whose_worker_was_killed_is_retried_within_a_minute(redis_server, start):
    killed = start("worker", QUEUE)
    job = Queue(QUEUE, connection=redis_server.client()).enqueue(
        "time.sleep", 600, job_timeout=900, retry=Retry(max=1)
    )
    wait_for(lambda: job.get_status(refresh=True) == "started", 30, "the job did not start")
    killed.send_signal(signal.SIGKILL)
    killed.wait(5)
    start("worker", QUEUE)  # the supervisor (compose, systemd) starts a new worker

    def retried() -> bool:
        fresh = Job.fetch(job.id, connection=redis_server.client())
        return fresh.retries_left == 0 and fresh.get_status() in ("queued", "started")

    wait_for(retried, 90, "the killed job was not found abandoned and retried")


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_the_forked_workers_and_scheduler_share_the_work_come_back_when_killed_and_stop_together(
    redis_server, start
):
    # The small-VPS profile: one worker service forks two RQ workers and the scheduler.
    parent = start("worker", QUEUE, WORKER_PROCESSES="2", WORKER_WITH_SCHEDULER="1")
    queue_redis = redis_server.client()
    wait_for(lambda: queue_redis.exists(LOCK_KEY), 30, "the forked scheduler did not lead")
    wait_for(lambda: len(_children(parent.pid)) == 3, 30, "two workers and the scheduler were not forked")
    jobs = [Queue(QUEUE, connection=queue_redis).enqueue("time.sleep", 3) for _ in range(2)]
    wait_for(
        lambda: all(j.get_status(refresh=True) == "started" for j in jobs), 20, "two jobs did not run at once"
    )

    first = _children(parent.pid)[0]
    os.kill(first, signal.SIGKILL)
    wait_for(
        lambda: first not in _children(parent.pid) and len(_children(parent.pid)) == 3,
        30,
        "the killed child was not replaced",
    )
    job_runs(redis_server)

    forked = _children(parent.pid)
    parent.send_signal(signal.SIGTERM)
    parent.wait(30)
    wait_for(
        lambda: not any(Path(f"/proc/{pid}").exists() for pid in forked), 15, "a child outlived its parent"
    )
