"""The one dispatcher job: opens an event's envelope and hands the typed event to its consumers.

Consumers come from the contracts registry, filled when the worker imports every service's jobs
module. When every consumer has applied an event that a producer sent through its outbox, the
dispatcher delivers `EventApplied` to the producer (in the same job; queued only if that fails),
so the producer stops re-sending it (services/CONTRACTS.md).

`deliver_batch` does the same for several envelopes in one job (the outbox relay sends what it
finds in one go): consumers with a batch form (`contracts.batch_of`) apply each event type's group
in one transaction, and the acknowledgements go back as one batch. The RQ bookkeeping of a job
(about fifty Redis round trips) and a transaction per event were most of the cost of an event.
"""

from __future__ import annotations

import logging
from typing import Any

from contracts import Delivery, EventApplied, batch_form, consumers_of, named, open_envelope, seal
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
    _enqueue(deliver, envelope, envelope["event"], connection, job_id)


def send_batch(envelopes: list[dict[str, Any]], connection: Redis, job_id: str | None = None) -> None:
    """Enqueue one dispatcher job for several envelopes, on the queue of the first one's contract."""
    _enqueue(deliver_batch, envelopes, envelopes[0]["event"], connection, job_id)


def _enqueue(job, payload: object, event: str, connection: Redis, job_id: str | None) -> None:
    """One dispatcher job on the event's contract queue, retried and kept as every delivery is."""
    Queue(named(event).queue, connection=connection).enqueue(
        job,
        payload,
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


def deliver_batch(envelopes: list[dict[str, Any]]) -> int:
    """Apply several events (each idempotent), then acknowledge those every consumer applied, in one batch.

    A batch consumer that fails falls back to its one-event consumer, event by event: an event that
    still fails is sent on as a job of its own (RQ retries it, then keeps it failed, as `deliver`
    would), and the others are applied and acknowledged once. If nothing could be applied at all
    (the database is down), the job fails as a whole and RQ retries it; re-applying is harmless.
    Returns how many events were applied.
    """
    import_jobs_modules()
    failed: list[tuple[dict[str, Any], BaseException]] = []
    groups: dict[str, list[tuple[dict[str, Any], Delivery]]] = {}
    for envelope in envelopes:
        try:
            delivery = open_envelope(envelope)
        except Exception as exc:  # noqa: BLE001 - malformed: its own job fails with the reason
            failed.append((envelope, exc))
            continue
        groups.setdefault(delivery.contract.name, []).append((envelope, delivery))
    applied: list[Delivery] = []
    for group in groups.values():
        done, refused = _apply_group(group)
        applied.extend(done)
        failed.extend(refused)
    _acknowledge_batch([d for d in applied if d.producer and d.contract.acknowledged])
    log.info(
        "events delivered",
        extra={"fields": {"events": len(envelopes), "applied": len(applied), "failed": len(failed)}},
    )
    if failed:
        _send_failed(failed, everything_failed=not applied)
    return len(applied)


def _apply_group(
    group: list[tuple[dict[str, Any], Delivery]],
) -> tuple[list[Delivery], list[tuple[dict[str, Any], BaseException]]]:
    """One event type's deliveries through every consumer: (applied by all, failed with the reason)."""
    contract = group[0][1].contract
    consumers = consumers_of(contract)
    if not consumers:
        return [], [(envelope, NoConsumer(contract.name)) for envelope, _ in group]
    errors: dict[int, BaseException] = {}
    for consume in consumers:
        pending = [i for i in range(len(group)) if i not in errors]
        many = batch_form(consume)
        if many is not None and len(pending) > 1:
            try:
                many([group[i][1].event for i in pending])
                continue
            except Exception:  # noqa: BLE001 - one event at a time below finds the culprit
                log.warning("batch of %s failed; applying one by one", contract.name, exc_info=True)
        for i in pending:
            try:
                consume(group[i][1].event)
            except Exception as exc:  # noqa: BLE001 - sent on as its own job below
                errors[i] = exc
    done = [delivery for i, (_, delivery) in enumerate(group) if i not in errors]
    return done, [(group[i][0], exc) for i, exc in errors.items()]


def _acknowledge_batch(deliveries: list[Delivery]) -> None:
    """Best effort, as `_acknowledge`: applied here at once, queued as a batch only if that fails."""
    if not deliveries:
        return
    acks = [
        seal(EventApplied(d.event_id, d.contract.name, d.producer), f"ack-{d.producer}-{d.event_id}")
        for d in deliveries
    ]
    try:
        _, refused = _apply_group([(ack, open_envelope(ack)) for ack in acks])
        if not refused:
            return
        acks = [envelope for envelope, _ in refused]
    except Exception:  # noqa: BLE001 - the queued acknowledgements below retry them
        log.warning("could not acknowledge %d events at once; queued", len(acks), exc_info=True)
    job = get_current_job()
    if job is None:
        return  # called outside a worker: the producer re-sends unacknowledged events
    try:
        send_batch(acks, job.connection)
    except Exception:  # noqa: BLE001 - the producer re-sends unacknowledged events
        log.warning("could not acknowledge %d events", len(acks), exc_info=True)


def _send_failed(failed: list[tuple[dict[str, Any], BaseException]], everything_failed: bool) -> None:
    """Events of a batch that failed: each goes on as a job of its own, so RQ retries it and then
    keeps it failed with its reason. Outside a worker, or when nothing applied, the error is raised."""
    job = get_current_job()
    if job is None or everything_failed:
        raise failed[0][1]
    for envelope, exc in failed:
        log.warning(
            "event %s %s failed in a batch: %r; sent on alone", envelope.get("event"), envelope.get("id"), exc
        )
        try:
            send(envelope, job.connection)
        except Exception:  # noqa: BLE001 - the producer re-sends unacknowledged events
            log.warning("could not send on event %s", envelope.get("id"), exc_info=True)
