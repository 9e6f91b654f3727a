"""Run queued RQ jobs in the test process, as a worker would (dispatcher, consumers, acknowledgements)."""

from __future__ import annotations

import os

from redis import Redis
from rq import Queue, SimpleWorker

from common.redis_conn import QUEUE_NAMES


def queue_connection() -> Redis:
    return Redis.from_url(os.environ["REDIS_QUEUE_URL"])


def run_queued() -> None:
    """Work every queue until all are empty (jobs that enqueue more jobs included)."""
    connection = queue_connection()
    queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    SimpleWorker(queues, connection=connection).work(burst=True, with_scheduler=False)


def queued(name: str) -> list:
    """The jobs waiting on one queue."""
    return Queue(name, connection=queue_connection()).get_jobs()
