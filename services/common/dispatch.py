"""The one dispatcher job: opens an event's envelope and hands the typed event to its consumers.

Consumers come from the contracts registry, filled when the worker imports every service's jobs
module. When every consumer has applied an event that a producer sent through its outbox, the
dispatcher delivers `EventApplied` to the producer (in the same job; queued only if that fails),
so the producer stops re-sending it (services/CONTRACTS.md).
"""

from __future__ import annotations

import logging
from typing import Any

from contracts import EventApplied, consumers_of, named, open_envelope, seal
from redis import Redis
from rq import Queue, Retry, get_current_job

from .service_list import import_jobs_modules

log = logging.getLogger("tomtin.dispatch")
FAILURE_TTL = 7 * 24 * 3600
# A delivered event's job is kept this long (its result is read by nothing but tests and the
# relay's "still in flight?" check, which needs none): each sale makes four such jobs, and at 100
# sales/s the old ten minutes held ~240,000 of them in Redis (the small profile has 64 MB).
RESULT_TTL = 30


class NoConsumer(LookupError):
    """An event arrived that nothing in this deployment consumes: keep it failed, do not acknowledge."""


def send(envelope: dict[str, Any], connection: Redis, job_id: str | None = None) -> None:
    """Enqueue the dispatcher for an envelope on its contract's queue."""
    Queue(named(envelope["event"]).queue, connection=connection).enqueue(
        deliver,
        envelope,
        job_id=job_id,
        retry=Retry(max=3, interval=[1, 5, 30]),
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
    )


def deliver(envelope: dict[str, Any]) -> int:
    """Apply one event with each of its consumers (each idempotent), then acknowledge it."""
    import_jobs_modules()  # normally done at worker start; cheap when already imported
    delivery = open_envelope(envelope)
    consumers = consumers_of(delivery.contract)
    if not consumers:
        raise NoConsumer(delivery.contract.name)
    for consume in consumers:
        consume(delivery.event)
    if delivery.producer and delivery.contract.acknowledged:
        _acknowledge(delivery.event_id, delivery.contract.name, delivery.producer)
    log.info(
        "event delivered",
        extra={
            "fields": {
                "event": delivery.contract.name,
                "event_id": delivery.event_id,
                "consumers": len(consumers),
            }
        },
    )
    return len(consumers)


def _acknowledge(event_id: str, name: str, producer: str) -> None:
    """Best effort: a lost acknowledgement only makes the producer re-send, and consumers are idempotent.

    The acknowledgement is delivered here, in the job that applied the event (this worker has every
    service's consumers), and queued as a job of its own only if that fails: a queued one doubled
    the jobs per event, and the worker fell behind the sales it was deducting stock for."""
    job = get_current_job()
    if job is None:
        return  # called outside a worker: nothing to send through
    ack = seal(EventApplied(event_id, name, producer), f"ack-{producer}-{event_id}")
    try:
        deliver(ack)
        return
    except Exception:  # noqa: BLE001 - the queued acknowledgement below retries it
        log.warning("could not acknowledge %s %s at once; queued", name, event_id, exc_info=True)
    try:
        send(ack, job.connection)
    except Exception:  # noqa: BLE001 - the producer re-sends unacknowledged events
        log.warning("could not acknowledge %s %s", name, event_id, exc_info=True)
