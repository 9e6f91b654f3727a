"""payments: STK callback ack latency at 50/s, callback-to-PAID visibility, and sales per second.

Callbacks go through the gateway (as Daraja's would) for pushes seeded PENDING in the database,
paced open-loop at 50/s; the worker then applies them, and the time until the last one is applied
gives the apply rate. Sales are cash sales posted through the gateway by 8 concurrent clients,
each with its own idempotency key (priced from inventory, outbox row in the same transaction).

Visibility: pushes seeded PENDING get their success callback through the gateway at 10/s, and for
each one a client polls `GET /api/payments/mpesa/<id>` (Cache-Control: no-cache, as the PWA does
while pending) every 100 ms until it answers PAID. Stock: the same cash-sale load on a tracked
product, timed until the worker has written the last sale's stock movement.
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
VISIBLE_RATE = 10
VISIBLE_PUSHES = 50
POLL_EVERY_S = 0.1
STOCK_TIMEOUT_S = 120


def _seed_pending(count: int) -> list[tuple[str, int]]:
    from payments.app import create_app
    from support.mpesa_data import seed_pending_pushes

    with create_app().app_context():
        return seed_pending_pushes(count, first_amount=100)


def _seed_pending_with_ids(count: int) -> list[tuple[str, int, int]]:
    """`count` pending pushes as (CheckoutRequestID, amount, payment id)."""
    import sqlalchemy as sa

    from payments.app import create_app
    from payments.models import MpesaPayment, db
    from support.mpesa_data import seed_pending_pushes

    with create_app().app_context():
        pushes = seed_pending_pushes(count, first_amount=100)
        ids = dict(
            db.session.execute(
                sa.select(MpesaPayment.checkout_request_id, MpesaPayment.id).where(
                    MpesaPayment.checkout_request_id.in_([c for c, _ in pushes])
                )
            ).all()
        )
    return [(checkout, amount, ids[checkout]) for checkout, amount in pushes]


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


def _visible_run(hook_url: str, status_url: str, headers: dict[str, str]) -> list[float]:
    """Ms from each callback POST returning to the first PAID answer of the status endpoint."""
    pushes = _seed_pending_with_ids(VISIBLE_PUSHES)
    bodies = [_callback(checkout, amount) for checkout, amount, _ in pushes]
    poll_headers = {**headers, "Cache-Control": "no-cache"}
    local = threading.local()

    def one(i: int) -> float:
        if not hasattr(local, "s"):
            local.s = requests.Session()
        response = local.s.post(
            hook_url, data=bodies[i], headers={"Content-Type": "application/json"}, timeout=10
        )
        acked = time.perf_counter()
        if response.status_code != 200:
            raise RuntimeError(f"callback answered {response.status_code}: {response.text[:200]}")
        url = f"{status_url}/{pushes[i][2]}"
        while True:
            polled = time.perf_counter()
            answer = local.s.get(url, headers=poll_headers, timeout=10)
            if answer.status_code != 200:
                raise RuntimeError(f"status answered {answer.status_code}: {answer.text[:200]}")
            status = answer.json()["status"]
            if status == "paid":
                return (time.perf_counter() - acked) * 1000
            if status != "pending" or polled - acked > 60:
                raise RuntimeError(
                    f"payment {pushes[i][2]} is {status} {polled - acked:.0f} s after its callback"
                )
            time.sleep(max(0.0, polled + POLL_EVERY_S - time.perf_counter()))

    found: list[float] = []
    # Enough workers that a slow apply never delays the next callback (open loop).
    paced(lambda i: found.append(one(i)), VISIBLE_RATE, VISIBLE_PUSHES, workers=VISIBLE_PUSHES)
    return found


def _visible(ctx: Context, rows: dict[str, Row]) -> None:
    from support.env import MPESA_WEBHOOK_SECRET

    hook_url = f"{ctx.url}/hooks/mpesa/{MPESA_WEBHOOK_SECRET}/stk"
    status_url = f"{ctx.url}/api/payments/mpesa"
    for _ in range(ctx.repeats):
        delays = _visible_run(hook_url, status_url, ctx.headers("owner"))
        rows["visible_p50"].samples.append(percentile(delays, 50))
        rows["visible_p95"].samples.append(percentile(delays, 95))


def _sales_run(url: str, body: dict, headers: dict[str, str]) -> tuple[int, float, list[int]]:
    """SALE_CLIENTS closed-loop clients for SALE_SECONDS: (sales, seconds, sale ids)."""
    stop = time.perf_counter() + SALE_SECONDS

    def client(_: int) -> list[int]:
        session, ids = requests.Session(), []
        while time.perf_counter() < stop:
            response = session.post(
                url, json=body, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, timeout=10
            )
            if response.status_code != 201:
                raise RuntimeError(f"sale answered {response.status_code}: {response.text[:200]}")
            ids.append(response.json()["id"])
        return ids

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(SALE_CLIENTS) as pool:
        sale_ids = [i for ids in pool.map(client, range(SALE_CLIENTS)) for i in ids]
    return len(sale_ids), started, sale_ids


def _wait_stock_moved(sale_ids: list[int]) -> None:
    """Until every line of these sales has its `sale_line` movement in inventory's ledger."""
    import sqlalchemy as sa

    from payments.app import create_app
    from payments.models import SaleLine, db

    moved = sa.text(
        "SELECT count(*) FROM inventory.v_stock_movements "
        "WHERE source_type = 'sale_line' AND source_id = ANY(:ids)"
    )
    with create_app().app_context():
        line_ids = list(db.session.scalars(sa.select(SaleLine.id).where(SaleLine.sale_id.in_(sale_ids))))
        db.session.rollback()
        deadline = time.monotonic() + STOCK_TIMEOUT_S
        while (done := db.session.scalar(moved, {"ids": line_ids})) < len(line_ids):
            db.session.rollback()  # a fresh snapshot each time
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(line_ids) - done} sale lines without a stock movement after 120 s")
            time.sleep(0.02)
        db.session.rollback()


def _moved_twice(sale_ids: list[int]) -> int:
    """Sale lines of these sales with more than one stock movement (several workers apply events)."""
    import sqlalchemy as sa

    from payments.app import create_app
    from payments.models import SaleLine, db

    with create_app().app_context():
        line_ids = list(db.session.scalars(sa.select(SaleLine.id).where(SaleLine.sale_id.in_(sale_ids))))
        twice = db.session.scalar(
            sa.text(
                "SELECT count(*) FROM (SELECT source_id FROM inventory.v_stock_movements "
                "WHERE source_type = 'sale_line' AND source_id = ANY(:ids) "
                "GROUP BY source_id HAVING count(*) > 1) AS t"
            ),
            {"ids": line_ids},
        )
        db.session.rollback()
    return twice


def _sales(ctx: Context, row: Row, stocked: Row, ratio: Row, twice: Row) -> None:
    products = requests.get(
        f"{ctx.url}/api/inventory/businesses/water/products", headers=ctx.headers()
    ).json()
    skus = {p["sku"]: p for p in products["items"]}
    url = f"{ctx.url}/api/payments/businesses/water/sales"
    # REFILL-20L is a service (untracked): no stock movement, the recording rate alone.
    body = {"method": "cash", "lines": [{"product_id": skus["REFILL-20L"]["id"], "quantity": "1"}]}
    for _ in range(ctx.repeats):
        total, started, _ = _sales_run(url, body, ctx.headers())
        row.samples.append(total / (time.perf_counter() - started))
    # BOTTLE-20L is tracked: each sale's outbox event makes the worker write a stock movement.
    tracked = skus["BOTTLE-20L"]
    if not tracked["track_stock"]:
        raise RuntimeError("BOTTLE-20L is expected to be a stock-tracked product")
    body = {"method": "cash", "lines": [{"product_id": tracked["id"], "quantity": "1"}]}
    for _ in range(ctx.repeats):
        total, started, sale_ids = _sales_run(url, body, ctx.headers())
        recorded = total / (time.perf_counter() - started)
        _wait_stock_moved(sale_ids)
        stocked.samples.append(total / (time.perf_counter() - started))
        ratio.samples.append(stocked.samples[-1] / recorded)
        twice.samples.append(_moved_twice(sale_ids))


def run(ctx: Context) -> list[Row]:
    """Callback ack latency at 50/s (p50/p99), callback apply rate, callback-to-PAID visibility
    (p50/p95), and sales recorded per second (alone, and with the stock deducted by the worker)."""
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
    visible_note = (
        f"target p95 ≤ 3 s; callback through the gateway, polled every {POLL_EVERY_S * 1000:.0f} ms"
    )
    for q in (50, 95):
        rows[f"visible_p{q}"] = Row(
            AREA,
            f"callback → payment visible as PAID through the status endpoint, p{q}"
            f" ({VISIBLE_PUSHES} callbacks at {VISIBLE_RATE}/s)",
            "ms",
            note=visible_note,
            command=COMMAND,
        )
    sales = Row(
        AREA,
        f"cash sales recorded, {SALE_CLIENTS} clients (gateway)",
        "sales/s",
        note="idempotency key + outbox row per sale; untracked product (no stock movement)",
        command=COMMAND,
    )
    stocked = Row(
        AREA,
        f"cash sales recorded AND stock deducted by the worker, {SALE_CLIENTS} clients (gateway)",
        "sales/s",
        note="tracked product; first POST to the last sale's stock movement in inventory.v_stock_movements",
        command=COMMAND,
    )
    ratio = Row(
        AREA,
        "sales with stock applied ÷ sales recorded",
        "×",
        note="the row above ÷ the same run's recording rate (last POST answered); target ≥ 0.9",
        command=COMMAND,
    )
    twice = Row(
        AREA,
        "sale lines with more than one stock movement",
        "lines",
        note="must be 0: events are applied by several worker processes at once",
        command=COMMAND,
    )
    _callbacks(ctx, rows)
    _visible(ctx, rows)
    _sales(ctx, sales, stocked, ratio, twice)
    return [*rows.values(), sales, stocked, ratio, twice]
