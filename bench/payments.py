"""payments: STK callback acknowledgement latency at 50 callbacks/s, and sales recorded per second.

Callbacks go through the gateway (as Daraja's would) for pushes seeded PENDING in the database,
paced open-loop at 50/s; the worker then applies them, and the time until the last one is applied
gives the apply rate. Sales are cash sales posted through the gateway by 8 concurrent clients,
each with its own idempotency key (priced from inventory, outbox row in the same transaction).
"""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time
import uuid

import requests

from bench.harness import Context, Row, paced, percentile

AREA = "payments"
COMMAND = "make bench BENCH=payments"
CALLBACK_RATE = 50
CALLBACKS = 250  # 5 s at 50/s: under the gateway's hook limit (50 r/s, burst 100)
SALE_CLIENTS = 8
SALE_SECONDS = 5


def _seed_pending(count: int) -> list[tuple[str, int]]:
    from payments.app import create_app
    from support.mpesa_data import seed_pending_pushes

    with create_app().app_context():
        return seed_pending_pushes(count, first_amount=100)


def _unapplied() -> int:
    import sqlalchemy as sa

    from payments.app import create_app
    from payments.models import MpesaCallback, db

    with create_app().app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(MpesaCallback.applied_at.is_(None)))


def _callback(checkout: str, amount: int) -> str:
    items = [
        {"Name": "Amount", "Value": amount},
        {"Name": "MpesaReceiptNumber", "Value": "B" + checkout[-9:].upper()},
        {"Name": "Balance"},
        {"Name": "PhoneNumber", "Value": 254712345678},
    ]
    return json.dumps(
        {
            "Body": {
                "stkCallback": {
                    "MerchantRequestID": "bench",
                    "CheckoutRequestID": checkout,
                    "ResultCode": 0,
                    "ResultDesc": "The service request is processed successfully.",
                    "CallbackMetadata": {"Item": items},
                }
            }
        }
    )


def _callback_run(url: str) -> tuple[list[float], float]:
    """One paced batch: ack latencies (ms) and the rate from first post to last applied."""
    bodies = [_callback(*p) for p in _seed_pending(CALLBACKS)]
    local = threading.local()
    failures: list[int] = []

    def post(i: int) -> None:
        if not hasattr(local, "s"):
            local.s = requests.Session()
        response = local.s.post(url, data=bodies[i], headers={"Content-Type": "application/json"}, timeout=10)
        if response.status_code != 200:
            failures.append(response.status_code)

    started = time.perf_counter()
    latencies = paced(post, CALLBACK_RATE, CALLBACKS)
    if failures:
        raise RuntimeError(f"{len(failures)} callbacks not acknowledged: {sorted(set(failures))}")
    deadline = time.monotonic() + 120
    while (left := _unapplied()) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{left} callbacks still unapplied after 120 s")
        time.sleep(0.05)
    return latencies, CALLBACKS / (time.perf_counter() - started)


def _callbacks(ctx: Context, rows: dict[str, Row]) -> None:
    url = f"{ctx.url}/hooks/mpesa/{ctx.stack.env['MPESA_WEBHOOK_SECRET']}/stk"
    for _ in range(ctx.repeats):
        latencies, rate = _callback_run(url)
        rows["p50"].samples.append(percentile(latencies, 50))
        rows["p99"].samples.append(percentile(latencies, 99))
        rows["applied"].samples.append(rate)


def _sales_run(url: str, body: dict, headers: dict[str, str]) -> float:
    """Sales per second recorded by SALE_CLIENTS closed-loop clients for SALE_SECONDS."""
    stop = time.perf_counter() + SALE_SECONDS

    def client(_: int) -> int:
        session, done = requests.Session(), 0
        while time.perf_counter() < stop:
            response = session.post(
                url, json=body, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, timeout=10
            )
            if response.status_code != 201:
                raise RuntimeError(f"sale answered {response.status_code}: {response.text[:200]}")
            done += 1
        return done

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(SALE_CLIENTS) as pool:
        total = sum(pool.map(client, range(SALE_CLIENTS)))
    return total / (time.perf_counter() - started)


def _sales(ctx: Context, row: Row) -> None:
    products = requests.get(
        f"{ctx.url}/api/inventory/businesses/water/products", headers=ctx.headers()
    ).json()
    product_id = next(p["id"] for p in products["items"] if p["sku"] == "REFILL-20L")
    url = f"{ctx.url}/api/payments/businesses/water/sales"
    body = {"method": "cash", "lines": [{"product_id": product_id, "quantity": "1"}]}
    for _ in range(ctx.repeats):
        row.samples.append(_sales_run(url, body, ctx.headers()))


def run(ctx: Context) -> list[Row]:
    """Callback ack latency at 50/s (p50/p99), callback apply rate, and sales recorded per second."""
    rows = {
        "p50": Row(AREA, f"STK callback ack p50 at {CALLBACK_RATE}/s (gateway)", "ms", command=COMMAND),
        "p99": Row(AREA, f"STK callback ack p99 at {CALLBACK_RATE}/s (gateway)", "ms", command=COMMAND),
        "applied": Row(
            AREA,
            f"{CALLBACKS} callbacks posted and applied by the worker",
            "callbacks/s",
            note="first post to last applied",
            command=COMMAND,
        ),
    }
    sales = Row(
        AREA,
        f"cash sales recorded, {SALE_CLIENTS} clients (gateway)",
        "sales/s",
        note="idempotency key + outbox row per sale",
        command=COMMAND,
    )
    _callbacks(ctx, rows)
    _sales(ctx, sales)
    return [*rows.values(), sales]
