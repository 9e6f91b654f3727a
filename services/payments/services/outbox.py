"""The transactional outbox: events are rows written with the change; a relay sends them on.

A row counts as delivered only when the dispatcher reports that every consumer applied it
(`EventApplied`, see services/CONTRACTS.md). A Redis outage only delays events: rows stay unsent
until an enqueue succeeds. Rows sent but not acknowledged after ACK_TIMEOUT are re-sent when their
job is gone (Redis restarted empty, a worker killed) or ended without an acknowledgement; that is
safe because every consumer is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import sqlalchemy as sa
from contracts import (
    RefundedLine,
    SaleChanged,
    SalePaid,
    SaleRefunded,
    SaleVoided,
    SoldLine,
    UnknownEvent,
    contract_of,
    named,
    stored,
)
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from common.db import utcnow
from common.dispatch import send, send_batch
from common.redis_conn import get_queue, queue_redis

from ..models import OutboxEvent, Refund, Sale, db

log = logging.getLogger("tomtin.payments.outbox")
PRODUCER = "payments"
RELAY_BATCH = 200
# Events per dispatcher job: a relay under load sends a few jobs, which both workers can share.
EVENTS_PER_JOB = 50
ACK_TIMEOUT = dt.timedelta(seconds=60)
# A row re-sent this often without an acknowledgement stops being re-sent: its consumer keeps
# failing on it (RQ's failed registry says why); the repair job reports it.
MAX_SENDS = 20
# Set while a kicked relay waits in its queue; the relay clears it as it starts. A commit kicks a
# relay only when none waits: one that waits will see the commit (it reads the rows after clearing).
# The old 300 ms debounce dropped the kicks of the last commits before a quiet spell, whose rows then
# waited up to 2 s for the scheduled relay. The TTL only matters if a waiting relay is lost.
KICK_KEY = "tomtin:payments:relay-kick"
KICK_TTL_MS = 10_000
_IN_FLIGHT = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def emit(event: object) -> None:
    """Write an event (a contract from `contracts`) to the outbox, in the caller's transaction."""
    entry = contract_of(event)
    db.session.add(OutboxEvent(event=entry.name, version=entry.version, payload=entry.dump(event)))


def sale_changed(sale: Sale) -> None:
    """Tell reporting a sale changed (it re-rolls a closed day touched late)."""
    emit(SaleChanged(business=sale.business, sale_id=sale.id, created_at=sale.created_at or utcnow()))


def sale_paid(sale: Sale) -> None:
    """A sale became paid: move its stock once, and tell reporting."""
    emit_sale_paid(sale)
    sale_changed(sale)


def emit_sale_paid(sale: Sale) -> None:
    """The stock event of a paid sale alone (the repair job re-sends it for a sale whose stock never moved)."""
    emit(
        SalePaid(
            sale.id,
            sale.business,
            tuple(SoldLine(line.id, line.product_id, line.quantity) for line in sale.lines),
        )
    )


def sale_voided(sale: Sale, stock_moved: bool) -> None:
    """A sale was voided: its stock comes back (if it ever left) and its day loses it."""
    lines = (
        tuple(SoldLine(line.id, line.product_id, line.quantity) for line in sale.lines) if stock_moved else ()
    )
    emit(SaleVoided(sale.id, sale.business, sale.created_at, lines))


def refund_paid(refund: Refund) -> None:
    """A refund was paid back: its goods come back (or are written off), counted on its own day."""
    lines = tuple(
        RefundedLine(line.id, line.product_id, line.quantity, line.damaged) for line in refund.lines
    )
    emit(SaleRefunded(refund.id, refund.sale_id, refund.business, refund.amount, refund.created_at, lines))


def job_id(row: OutboxEvent) -> str:
    """The id of the job that carries this row (a batch's, or the row's own)."""
    return row.job_id or f"outbox-{row.id}"


def relay(batch: int = RELAY_BATCH, ack_timeout: dt.timedelta = ACK_TIMEOUT) -> int:
    """Send unsent rows, and re-send unacknowledged ones whose job was lost; returns how many were sent.

    Rows go in one dispatcher job per queue, up to EVENTS_PER_JOB each (a lone row keeps a job of its
    own, `outbox-<id>`); each row remembers its job, so the "still in flight?" check finds it.
    Stops at the first refused enqueue (Redis down): the rest wait for the next relay.
    """
    _rearm_kick()
    now = utcnow()
    overdue = sa.and_(
        OutboxEvent.acked_at.is_(None),
        OutboxEvent.sent_at < now - ack_timeout,
        OutboxEvent.attempts < MAX_SENDS,
    )
    rows = db.session.scalars(
        sa.select(OutboxEvent)
        .where(sa.or_(OutboxEvent.sent_at.is_(None), overdue))
        .order_by(OutboxEvent.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    statuses: dict[str, bool] = {}  # rows of one batch share its job: look it up once
    due = []
    for row in rows:
        if row.sent_at is not None and _in_flight(row, statuses):
            row.sent_at = now  # slow, not lost: look again after another timeout
            continue
        due.append(row)
    sent = 0
    for chunk in _chunks(due):
        for row in chunk:
            row.attempts += 1
        envelopes = [stored(row.event, row.version, row.payload, str(row.id), PRODUCER) for row in chunk]
        chunk_job = (
            f"outbox-{chunk[0].id}" if len(chunk) == 1 else f"outbox-{chunk[0].id}-{uuid.uuid4().hex[:8]}"
        )
        try:
            if len(chunk) == 1:
                send(envelopes[0], queue_redis(), chunk_job)
            else:
                send_batch(envelopes, queue_redis(), chunk_job)
        except Exception:  # noqa: BLE001 - Redis down: keep the rows for the next relay
            log.warning(
                "enqueue refused; outbox rows from %s wait for the next relay", chunk[0].id, exc_info=True
            )
            break
        for row in chunk:
            if row.sent_at is not None:
                log.warning("outbox row %s (%s) not acknowledged: re-sent", row.id, row.event)
            row.sent_at = now
            row.job_id = None if len(chunk) == 1 else chunk_job
        sent += len(chunk)
    db.session.commit()
    if len(rows) == batch:
        kick()  # more rows may wait: a backlog drains relay after relay, not one batch per schedule
    return sent


def _chunks(rows: list[OutboxEvent]) -> list[list[OutboxEvent]]:
    """Rows by their contract's queue, in id order, at most EVENTS_PER_JOB to a chunk."""
    by_queue: dict[str, list[OutboxEvent]] = {}
    for row in rows:
        try:
            queue = named(row.event).queue
        except UnknownEvent:
            queue = "default"  # the dispatcher fails it there, visibly; it must not hold the others up
        by_queue.setdefault(queue, []).append(row)
    return [
        queued[start : start + EVENTS_PER_JOB]
        for queued in by_queue.values()
        for start in range(0, len(queued), EVENTS_PER_JOB)
    ]


def _in_flight(row: OutboxEvent, statuses: dict[str, bool]) -> bool:
    key = job_id(row)
    if key not in statuses:
        statuses[key] = _job_in_flight(key)
    return statuses[key]


def _job_in_flight(key: str) -> bool:
    try:
        job = Job.fetch(key, connection=queue_redis())
    except NoSuchJobError:
        return False
    status = job.get_status()
    if status == JobStatus.QUEUED:
        # A full Redis can leave a job marked queued in no queue at all (found by the soak):
        # it counts as waiting only while its id is still in its queue.
        return queue_redis().lpos(Queue(job.origin, connection=queue_redis()).key, job.id) is not None
    return status in _IN_FLIGHT


def acknowledge(event_id: str) -> bool:
    """Every consumer applied the row `event_id`: it is delivered. False if unknown or already acked."""
    return acknowledge_many([event_id]) == 1


def acknowledge_many(event_ids: list[str]) -> int:
    """Every consumer applied these rows: delivered, in one statement. Returns how many were newly
    delivered (ids that are unknown, malformed or already acknowledged count for nothing)."""
    ids = sorted({int(event_id) for event_id in event_ids if event_id.isdigit()})
    if not ids:
        return 0
    result = db.session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.id.in_(ids), OutboxEvent.acked_at.is_(None))
        .values(acked_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def kick() -> None:
    """Best effort: ask a worker to relay now, unless a relay already waits (the schedule is the backstop)."""
    try:
        if queue_redis().set(KICK_KEY, b"1", nx=True, px=KICK_TTL_MS):
            from ..jobs import relay_outbox  # jobs imports this module: resolve the entry point at call time

            get_queue("payments-high").enqueue(relay_outbox, result_ttl=60)
    except Exception:  # noqa: BLE001 - the scheduled relay will pick the rows up
        log.warning("could not kick the outbox relay", exc_info=True)


def _rearm_kick() -> None:
    """A relay starts: rows committed from now on need a relay of their own, so let the next kick queue one."""
    try:
        queue_redis().delete(KICK_KEY)
    except Exception:  # noqa: BLE001 - Redis down: nothing can be sent anyway, the key expires
        log.warning("could not re-arm the relay kick", exc_info=True)


def prune(keep_days: int = 7) -> int:
    """Delete rows acknowledged more than `keep_days` ago (unacknowledged rows are never deleted)."""
    result = db.session.execute(
        sa.delete(OutboxEvent).where(
            OutboxEvent.acked_at.is_not(None), OutboxEvent.acked_at < utcnow() - dt.timedelta(days=keep_days)
        )
    )
    db.session.commit()
    return result.rowcount


def unacknowledged(older_than: dt.timedelta = ACK_TIMEOUT) -> int:
    """How many rows still wait for an acknowledgement after `older_than` (the repair job reports it)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxEvent)
        .where(OutboxEvent.acked_at.is_(None), OutboxEvent.created_at < utcnow() - older_than)
    )
