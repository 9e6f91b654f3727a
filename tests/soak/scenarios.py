"""The fault scenarios: each bounded in time and load, each ending in a reconciliation."""

from __future__ import annotations

import random
import signal
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import requests
import sqlalchemy as sa
from rq.registry import StartedJobRegistry

from common.redis_conn import QUEUE_NAMES
from support.mpesa_data import stk_body
from support.servers import fill_until_refused

from .load import Tally, in_background, mpesa_sale, record, sale, send
from .reconcile import reconcile, settle
from .stack import SoakStack

SUCCESS_PHONE = "0712345678"  # the simulator calls back with success
SILENT_PHONE = "0712345901"  # the simulator never calls back; its query says "being processed"


@dataclass(frozen=True)
class Size:
    seconds: float  # how long the load runs
    clients: int
    callbacks: int  # the callbacks scenario's total
    devices_sales: int  # sales in the offline outbox replayed from two devices
    settle_seconds: float = 150  # how long reconciliation may take to come clean


SHORT = Size(seconds=6, clients=2, callbacks=300, devices_sales=40, settle_seconds=100)
FULL = Size(seconds=40, clients=2, callbacks=10_000, devices_sales=500, settle_seconds=300)


@dataclass
class Row:
    scenario: str
    requests: int
    faults: int
    lost: int
    doubled: int
    server_errors: int
    unhandled: int  # 500s: a 503 with Retry-After is the designed answer while a part is down
    recovered: bool
    seconds: float
    details: dict[str, int] = field(default_factory=dict)


class Scenario:
    """Load, one fault in the middle, then reconciliation and a recovery check."""

    def __init__(self, soak: SoakStack, size: Size, product: int) -> None:
        self.soak, self.size, self.product = soak, size, product
        self.tally = Tally()
        self.faults = 0
        self.restarted: set[str] = set()  # processes the fault itself stopped (a supervisor restarts them)
        # What earlier scenarios left behind is theirs, not this one's.
        self.before = reconcile(soak, Tally())

    def mixed(self, session: requests.Session, n: int) -> None:
        """Cash sales, and every fifth an M-Pesa sale with a push that the simulator pays."""
        if n % 5 == 4:
            mpesa_sale(self.soak, self.tally, session, self.product, SUCCESS_PHONE)
        else:
            sale(self.soak, self.tally, session, "water", self.product)

    def under_load(self, fault: Callable[[], None], at: float = 0.4) -> None:
        load = in_background(self.size.seconds, self.size.clients, self.mixed)
        time.sleep(self.size.seconds * at)
        fault()
        self.faults += 1
        load.join()

    def finish(self, name: str, started: float, before: dict[str, int]) -> Row:
        figures = settle(self.soak, self.tally, self.size.settle_seconds, self.before)
        after = self.soak.pids()
        untouched = all(after.get(p) == pid for p, pid in before.items() if p not in self.restarted)
        probe = sale(self.soak, Tally(), requests.Session(), "water", self.product) is not None
        recovered = untouched and probe and self.soak.ready(60)
        return Row(
            name,
            self.tally.requests,
            self.faults,
            figures.lost,
            figures.doubled,
            self.tally.server_errors,
            self.tally.statuses.get(500, 0),
            recovered,
            round(time.monotonic() - started, 1),
            figures.details,
        )


def worker_killed(soak: SoakStack, size: Size, product: int) -> Row:
    """SIGKILL the worker while it runs a job; the supervisor starts a new one."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()

    def kill() -> None:
        queues = [StartedJobRegistry(q, connection=soak.redis.client()) for q in QUEUE_NAMES]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(r.count for r in queues):
            time.sleep(0.01)
        soak.stack.stop_process("worker", signal.SIGKILL)
        soak.stack.start_process("worker")
        s.restarted.add("worker")

    s.under_load(kill)
    return s.finish("worker SIGKILL mid-job", started, before)


def redis_restarted(soak: SoakStack, size: Size, product: int) -> Row:
    """Redis restarts empty (2 s down) while sales and callbacks flow."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()
    s.under_load(lambda: soak.redis.restart(down_for=2))
    return s.finish("Redis restarted empty", started, before)


def redis_full(soak: SoakStack, size: Size, product: int) -> Row:
    """The cache fills Redis to its limit and every write is refused for a while, then memory frees."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()

    def fill() -> None:
        fill_until_refused(soak.redis.client(1), prefix="soak:filler")
        soak.redis.squeeze()
        time.sleep(size.seconds * 0.4)
        soak.redis.relieve()
        cache = soak.redis.client(1)
        for key in cache.scan_iter("soak:filler:*", count=1000):
            cache.delete(key)

    s.under_load(fill, at=0.2)
    return s.finish("Redis at its memory limit", started, before)


def postgres_restarted(soak: SoakStack, size: Size, product: int) -> Row:
    """PostgreSQL shuts down fast (every connection cut), stays down 3 s, starts again."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()
    s.under_load(lambda: soak.postgres.restart(down_for=3), at=0.3)
    return s.finish("PostgreSQL restarted", started, before)


def service_stopped(soak: SoakStack, size: Size, product: int) -> Row:
    """payments is stopped for 5 s (sales and M-Pesa callbacks meet the gateway's 503), then started."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()

    def stop() -> None:
        soak.stack.stop_process("payments")
        time.sleep(5)
        soak.stack.start_process("payments")
        s.restarted.add("payments")

    s.under_load(stop, at=0.3)
    return s.finish("a service stopped (payments)", started, before)


def callback_storm(soak: SoakStack, size: Size, product: int) -> Row:
    """Duplicate, late and out-of-order STK callbacks: many success copies and a late failure per push."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()
    per_push = 20
    pushes = max(size.callbacks // per_push, 1)
    session = requests.Session()
    for _ in range(pushes):
        mpesa_sale(soak, s.tally, session, product, SILENT_PHONE)
    engine = soak.engine()
    with engine.connect() as conn:
        rows = conn.execute(_PUSHES, {"ids": s.tally.payments}).all()
    engine.dispose()
    bodies = []
    for checkout, amount in rows:
        receipt = "S" + uuid.uuid4().hex[:9].upper()
        bodies += [stk_body(checkout, 0, int(amount), receipt)] * (per_push - 1)
        bodies.append(stk_body(checkout, 1032, int(amount), receipt))  # a failure after (or before) success
    random.Random(12).shuffle(bodies)
    acked = 0
    lock = threading.Lock()

    def post(body: dict) -> None:
        nonlocal acked
        response = send(s.tally, "POST", soak.hook, local.session, json=body)
        if response is not None and response.status_code == 200:
            with lock:
                acked += 1

    local = threading.local()

    def worker(chunk: list[dict]) -> None:
        local.session = requests.Session()
        for body in chunk:
            post(body)

    chunks = [bodies[i::8] for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(worker, chunks))
    s.faults = len(bodies) - len(rows)  # every callback beyond the first per push is a duplicate or late
    # Every callback is applied by a job: allow the worker about 20 of them a second to catch up.
    s.size = replace(size, settle_seconds=max(size.settle_seconds, len(bodies) / 20))
    row = s.finish(f"{len(bodies):,} duplicate, late, out-of-order callbacks", started, before)
    with soak.engine().connect() as conn:
        stored = conn.execute(_STORED_CALLBACKS, {"ids": [c for c, _ in rows]}).scalar()
    if stored != acked:
        row.lost += max(acked - stored, 0)
        row.doubled += max(stored - acked, 0)
        row.details["callbacks acknowledged vs stored"] = acked - stored
    return row


def two_devices(soak: SoakStack, size: Size, product: int) -> Row:
    """One offline outbox replayed from two devices at once: the same idempotency keys, together."""
    s, started, before = Scenario(soak, size, product), time.monotonic(), soak.pids()
    outbox = [(str(uuid.uuid4()), {"method": "cash", "lines": [{"product_id": product, "quantity": "1"}]})]
    outbox += [(str(uuid.uuid4()), outbox[0][1]) for _ in range(size.devices_sales - 1)]
    answers: list[dict[str, int]] = [{}, {}]
    together = threading.Barrier(2)

    def device(number: int) -> None:
        session, tally = requests.Session(), Tally()
        together.wait()
        for key, body in outbox:
            sale_id = record(soak, tally, session, "water", key, body)
            if sale_id is not None:
                answers[number][key] = sale_id
        with s.tally.lock:
            s.tally.requests += tally.requests
            s.tally.statuses.update(tally.statuses)
            s.tally.unanswered += tally.unanswered

    threads = [threading.Thread(target=device, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    s.tally.acknowledged.update(answers[0])
    s.tally.acknowledged.update(answers[1])
    s.faults = len(outbox)
    row = s.finish("one offline outbox replayed from two devices", started, before)
    differing = sum(1 for key, sale_id in answers[0].items() if answers[1].get(key, sale_id) != sale_id)
    if differing:
        row.doubled += differing
        row.details["devices told different sale ids"] = differing
    return row


_PUSHES = sa.text("SELECT checkout_request_id, amount FROM payments.mpesa_payments WHERE id = ANY(:ids)")
_STORED_CALLBACKS = sa.text(
    "SELECT count(*) FROM payments.mpesa_callbacks WHERE checkout_request_id = ANY(:ids)"
)

SCENARIOS = (
    worker_killed,
    redis_restarted,
    redis_full,
    postgres_restarted,
    callback_storm,
    two_devices,
    service_stopped,
)
