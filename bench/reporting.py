"""Reporting at scale: synthetic history (1 year, then 10 years at ~500 sales/day across the
three businesses) in a separate database, rolled up with the real CLI, and the dashboard and
30-day report latencies of a real reporting process on it. The 10-year figures should stay
within 1.5x of the 1-year ones: closed days come from roll-ups, only today is computed live.
The two histories live in two databases served by two processes, measured alternately.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.harness import Context, Row
from common.timeutil import business_day

AREA = "reporting"
COMMAND = "make bench BENCH=reporting"
ROOT = Path(__file__).resolve().parents[1]
SALES_PER_DAY = 500
SLOT = 86400 / SALES_PER_DAY  # seconds between synthetic sales
BUSINESSES = ("water", "laundry", "retail")
SAMPLES = 15
DB_SERVICES = ("accounts", "inventory", "payments", "reporting")
# Indexes reporting asks payments and inventory for (not in their migrations yet): the
# dashboard and today's live figures read M-Pesa payments and stock movements by day.
REQUESTED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS bench_mpesa_business_created ON payments.mpesa_payments (business, created_at)",
    "CREATE INDEX IF NOT EXISTS bench_movements_business_created ON inventory.stock_movements (business, created_at)",
)
NAIROBI_MIDNIGHT = "CAST(:day AS timestamp) AT TIME ZONE 'Africa/Nairobi'"

# Sale number i (from :first_i) is fully determined by i: business, method, status, product, quantity.
_PRODUCTS = """prods AS (
    SELECT business, array_agg(id ORDER BY id) AS ids, array_agg(price ORDER BY id) AS prices
    FROM inventory.products GROUP BY business)"""
_BUSINESS = "(ARRAY['water', 'laundry', 'retail'])[1 + i % 3]"
_PICK = "1 + (i / 3) % 6"
_QTY = "(1 + i % 3)"
GEN_SALES = f"""
WITH {_PRODUCTS}, src AS (
    SELECT i, {_BUSINESS} AS business,
           {NAIROBI_MIDNIGHT} + (i - :first_i) * interval '{SLOT} seconds' + (i % 150) * interval '1 second' AS at
    FROM generate_series(CAST(:first_i AS bigint), CAST(:last_i AS bigint)) AS i)
INSERT INTO payments.sales (idempotency_key, business, method, status, total, order_status, created_at, updated_at,
                            paid_at, request_hash, receipt_token)
SELECT gen_random_uuid(), src.business,
       CASE WHEN i % 5 < 2 THEN 'mpesa' ELSE 'cash' END,
       CASE WHEN i % 97 = 0 THEN 'failed' WHEN i % 89 = 0 THEN 'cancelled' ELSE 'paid' END,
       p.prices[{_PICK}] * {_QTY},
       CASE WHEN src.business = 'laundry' THEN 'collected' END,
       at, at, at, i::text, replace(gen_random_uuid()::text, '-', '')
FROM src JOIN prods p USING (business) ORDER BY i
"""
# request_hash carries the generator's i so lines can be derived from it in one pass.
GEN_LINES = f"""
WITH {_PRODUCTS}
INSERT INTO payments.sale_lines (sale_id, product_id, name, quantity, unit_price, line_total)
SELECT s.id, p.ids[{_PICK}], 'Product ' || p.ids[{_PICK}], {_QTY}, p.prices[{_PICK}], s.total
FROM (SELECT id, business, total, request_hash::bigint AS i FROM payments.sales
      WHERE id > :after_id) AS s JOIN prods p USING (business)
"""
GEN_PAYMENTS = """
INSERT INTO payments.mpesa_payments (sale_id, business, kind, status, amount, receipt, created_at, updated_at,
                                     paid_at)
SELECT id, business, 'stk', CASE status WHEN 'paid' THEN 'paid' WHEN 'failed' THEN 'failed' ELSE 'needs_review' END,
       total, CASE WHEN status = 'paid' THEN 'R' || id END, created_at, created_at, paid_at
FROM payments.sales WHERE id > :after_id AND method = 'mpesa'
"""
GEN_MOVEMENTS = """
INSERT INTO inventory.stock_movements (product_id, business, kind, quantity, source_type, source_id, created_at)
SELECT l.product_id, s.business, 'sale', -l.quantity, 'sale_line', l.id, s.created_at
FROM payments.sale_lines l JOIN payments.sales s ON s.id = l.sale_id
JOIN inventory.products p ON p.id = l.product_id
WHERE s.id > :after_id AND s.status = 'paid' AND p.track_stock
"""
GEN_PRODUCTS = """
INSERT INTO inventory.products (business, sku, name, unit, price, track_stock, stock_level, reorder_level)
SELECT b, b || '-' || n, b || ' product ' || n, 'piece', 20 * n + 15.50, n > 2, 1000 - 100 * n, 250
FROM unnest(ARRAY['water', 'laundry', 'retail']) AS b, generate_series(1, 6) AS n
"""


def _env(db_name: str) -> dict[str, str]:
    """The stack's environment, with every service pointed at the bench database."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "services")}
    for service in DB_SERVICES:
        var = f"{service.upper()}_DATABASE_URL"
        env[var] = make_url(os.environ[var]).set(database=db_name).render_as_string(hide_password=False)
    return env


def _admin(db_name: str) -> sa.Engine:
    return sa.create_engine(
        make_url(os.environ["DATABASE_ADMIN_URL"]).set(database=db_name), isolation_level="AUTOCOMMIT"
    )


def _recreate(db_name: str, env: dict[str, str]) -> None:
    with _admin("postgres").connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    subprocess.run([sys.executable, "-m", "common.migrate", "all"], env=env, cwd=ROOT, check=True)


def _generate(engine: sa.Engine, first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """Sales over Nairobi days [first, last], none after `now`; returns how many."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=3)
    count = min(((last - first).days + 1) * SALES_PER_DAY, int((now - start).total_seconds() // SLOT))
    with engine.begin() as conn:
        after_id = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM payments.sales")).scalar_one()
        first_i = conn.execute(
            sa.text("SELECT coalesce(max(request_hash::bigint), -1) + 1 FROM payments.sales")
        ).scalar_one()
        params = {"first_i": first_i, "last_i": first_i + count - 1, "day": first, "after_id": after_id}
        for statement in (GEN_SALES, GEN_LINES, GEN_PAYMENTS, GEN_MOVEMENTS):
            conn.execute(sa.text(statement), params)
    with engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))
    return count


def _rollup(env: dict[str, str], first: dt.date, last: dt.date) -> str:
    out = subprocess.run(
        [
            str(ROOT / ".venv/bin/flask"),
            "--app",
            "reporting.app",
            "rollup",
            "--from",
            str(first),
            "--to",
            str(last),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


class Reporting:
    """One real gunicorn reporting process on the bench database."""

    def __init__(self, env: dict[str, str]) -> None:
        from support.stack import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/reports"
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "services/common/gunicorn_conf.py",
                "-b",
                f"127.0.0.1:{self.port}",
                "reporting.wsgi:app",
            ],
            env={**env, "WEB_CONCURRENCY": "1"},
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("bench reporting process did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


@dataclass
class History:
    """One synthetic history in its own database, served by its own reporting process."""

    label: str
    engine: sa.Engine
    service: Reporting
    session: requests.Session

    def get(self, path: str) -> None:
        self.session.get(f"{self.service.url}{path}", timeout=30).raise_for_status()

    def add_sale(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO payments.sales (idempotency_key, business, method, status, total, receipt_token) "
                    "VALUES (gen_random_uuid(), 'water', 'cash', 'paid', 50, replace(gen_random_uuid()::text, '-', ''))"
                )
            )


def _build(
    label: str, db_name: str, days: int, now: dt.datetime, headers: dict, cache_url: str
) -> tuple[History, list[Row]]:
    """A database with `days` of history up to now, rolled up with the real CLI."""
    env = {**_env(db_name), "REDIS_CACHE_URL": cache_url}
    _recreate(db_name, env)
    engine = _admin(db_name)
    today = business_day(now)
    with engine.connect() as conn:
        conn.execute(sa.text(GEN_PRODUCTS))
        for statement in REQUESTED_INDEXES:
            conn.execute(sa.text(statement))
    started = time.perf_counter()
    count = _generate(engine, today - dt.timedelta(days=days), today, now)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    progress = _rollup(env, today - dt.timedelta(days=days), today - dt.timedelta(days=1))
    rows = [
        Row(
            AREA,
            f"generate {count:,} sales ({label})",
            "s",
            [generated],
            "INSERT … SELECT generate_series",
            COMMAND,
        ),
        Row(
            AREA,
            f"roll-up CLI over {days} days ({label})",
            "s",
            [time.perf_counter() - started],
            progress,
            COMMAND,
        ),
    ]
    session = requests.Session()
    session.headers.update(headers)
    return History(label, engine, Reporting(env), session), rows


def _interleaved(
    histories: list[History], name: str, note: str, sample: Callable[[History, int], None]
) -> list[Row]:
    """Alternate the histories sample by sample, so machine load hits them alike."""
    rows = {h.label: Row(AREA, f"{name}, {h.label}", "ms", note=note, command=COMMAND) for h in histories}
    for i in range(SAMPLES):
        for history in histories:
            started = time.perf_counter()
            sample(history, i)
            rows[history.label].samples.append((time.perf_counter() - started) * 1000)
    return list(rows.values())


def _measure(histories: list[History], today: dt.date) -> list[Row]:
    dashboard = "/businesses/all/today"
    month = f"from={today - dt.timedelta(days=29)}&to={today}"
    for history in histories:
        for _ in range(5):  # warm each process (connections, imports) before timing
            history.get(dashboard)
    rows = _interleaved(
        histories,
        "dashboard (all), poll",
        "computed live on every read",
        lambda h, i: h.get(dashboard),
    )

    def after_sale(history: History, i: int) -> None:
        history.add_sale()  # not timed separately: a plain INSERT, ~1 ms
        history.get(dashboard)

    rows += _interleaved(
        histories, "dashboard (all), insert a sale + read", "the read shows the sale", after_sale
    )
    for kind in ("revenue", "products", "profit"):
        rows += _interleaved(
            histories,
            f"30-day {kind} report (all), cached",
            "closed days from cache, today live",
            lambda h, i, k=kind: h.get(f"/businesses/all/reports/{k}?{month}"),
        )
        rows += _interleaved(
            histories,
            f"30-day {kind} report (all), uncached",
            "30–44-day windows ending today, from roll-ups",
            lambda h, i, k=kind: h.get(
                f"/businesses/all/reports/{k}?from={today - dt.timedelta(days=29 + i)}&to={today}"
            ),
        )
    return rows


def run(ctx: Context | None) -> list[Row]:
    prefix = os.environ.get("TOMTIN_BENCH_REPORTING_DB", "tomtin_bench_reporting")
    headers = ctx.headers("owner") if ctx else {"Authorization": f"Bearer {_owner_token()}"}
    now = dt.datetime.now(dt.UTC)
    rows: list[Row] = []
    histories: list[History] = []
    try:
        # Each process needs its own cache (same keys, different data): the second one uses
        # the bench's queue DB, whose RQ keys ("rq:…") its "tomtin:reporting:…" keys never meet.
        caches = (os.environ["REDIS_CACHE_URL"], os.environ["REDIS_QUEUE_URL"])
        for (label, days), cache_url in zip((("1 y", 365), ("10 y", 3650)), caches, strict=True):
            history, built = _build(label, f"{prefix}_{days}d", days, now, headers, cache_url)
            histories.append(history)
            rows += built
        rows += _measure(histories, business_day(now))
    finally:
        for history in histories:
            history.service.stop()
            history.engine.dispose()
        with _admin("postgres").connect() as conn:
            for days in (365, 3650):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{prefix}_{days}d" WITH (FORCE)'))
    return rows


def _owner_token() -> str:
    from common.auth import issue_token

    token, _ = issue_token(os.environ["SECRET_KEY"], 1, "bench", "owner", list(BUSINESSES), 3600)
    return token


if __name__ == "__main__":
    # Standalone: `PYTHONPATH=services:tests:. python -m bench.reporting` with the test env.
    from bench.run import table
    from support.env import service_environment

    os.environ.update(service_environment())
    print(table(run(None)))
