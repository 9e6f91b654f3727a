"""Bounded load through the gateway, as phones send it: every write carries an idempotency key
and is retried with the same key on a 5xx or a broken connection (the PWA's outbox does that)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from .stack import SoakStack

RETRY_FOR = 60  # seconds a phone keeps retrying one write before the scenario counts it lost


@dataclass
class Tally:
    """What the clients sent and what they were told."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)  # idempotency key -> sale id
    unanswered: list[str] = field(default_factory=list)  # keys never acknowledged
    payments: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status or 0] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def without_retry_after(self) -> int:
        return self.statuses.get(500, 0) + self.statuses.get(0, 0) * 0


def send(
    tally: Tally, method: str, url: str, session: requests.Session, retry_for: float = RETRY_FOR, **kwargs
) -> requests.Response | None:
    """One write, retried on 5xx and connection errors until `retry_for` runs out."""
    deadline = time.monotonic() + retry_for
    while True:
        try:
            response = session.request(method, url, timeout=10, **kwargs)
            tally.count(response.status_code)
            if response.status_code < 500:
                return response
        except requests.RequestException:
            tally.count(None)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)


def sale(
    soak: SoakStack, tally: Tally, session: requests.Session, business: str, product: int, **body
) -> int | None:
    """Record one sale (cash unless `method` says otherwise); its id once acknowledged."""
    key = str(uuid.uuid4())
    return record(
        soak,
        tally,
        session,
        business,
        key,
        {"method": "cash", "lines": [{"product_id": product, "quantity": "1"}], **body},
    )


def record(
    soak: SoakStack, tally: Tally, session: requests.Session, business: str, key: str, body: dict
) -> int | None:
    response = send(
        tally,
        "POST",
        f"{soak.url}/api/payments/businesses/{business}/sales",
        session,
        json=body,
        headers=soak.headers(**{"Idempotency-Key": key}),
    )
    with tally.lock:
        if response is not None and response.status_code in (200, 201):
            tally.acknowledged[key] = response.json()["id"]
            return tally.acknowledged[key]
        tally.unanswered.append(key)
    return None


def mpesa_sale(soak: SoakStack, tally: Tally, session: requests.Session, product: int, phone: str) -> None:
    """An M-Pesa sale and its STK push (the simulator calls back through the gateway)."""
    sale_id = sale(soak, tally, session, "water", product, method="mpesa")
    if sale_id is None:
        return
    response = send(
        tally,
        "POST",
        f"{soak.url}/api/payments/sales/{sale_id}/stk-push",
        session,
        json={"phone": phone},
        headers=soak.headers(),
    )
    if response is not None and response.status_code == 201:
        with tally.lock:
            tally.payments.append(response.json()["id"])


def run_for(seconds: float, clients: int, step: Callable[[requests.Session, int], None]) -> None:
    """`clients` threads calling step(session, n) until `seconds` have passed."""
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        session = requests.Session()
        n = 0
        while time.monotonic() < stop_at:
            step(session, number * 1_000_000 + n)
            n += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))


def in_background(
    seconds: float, clients: int, step: Callable[[requests.Session, int], None]
) -> threading.Thread:
    thread = threading.Thread(target=run_for, args=(seconds, clients, step), daemon=True)
    thread.start()
    return thread
