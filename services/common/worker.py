"""The RQ worker process: `python -m common.worker [queue ...]`.

Queues are listened to in priority order (payments-high first). SimpleWorker runs jobs
in-process so each service app is built once per worker, not once per job; a job killed
mid-way is safe because the state it acts on lives in PostgreSQL and every job is
idempotent (a sweep re-enqueues what was not applied).
"""

from __future__ import annotations

import os
import sys

from redis import Redis
from rq import Queue, SimpleWorker

from .logs import configure_logging
from .redis_conn import QUEUE_NAMES


def main(argv: list[str] | None = None) -> None:
    """Start a worker on the given queues (default: all, by priority)."""
    names = (argv if argv is not None else sys.argv[1:]) or list(QUEUE_NAMES)
    configure_logging("worker", os.environ.get("LOG_LEVEL", "INFO"))
    url = os.environ.get("REDIS_QUEUE_URL") or exit("missing required environment variable REDIS_QUEUE_URL")
    connection = Redis.from_url(url)
    worker = SimpleWorker([Queue(n, connection=connection) for n in names], connection=connection)
    worker.work(with_scheduler=False, logging_level=os.environ.get("LOG_LEVEL", "INFO"))


if __name__ == "__main__":
    main()
