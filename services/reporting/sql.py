"""The SQL behind reports and roll-ups, over payments' and inventory's published views only.

Every "live" statement takes :businesses, :first and :last (Nairobi dates), :start/:end
(their UTC bounds) and :unassigned (the pseudo-business of M-Pesa payments with none yet), and
groups by Nairobi business day; the roll-ups store exactly what the
live statements return, so a closed day read from a roll-up equals the live figure.
"""

from __future__ import annotations

import sqlalchemy as sa

NAIROBI_DAY = "(created_at AT TIME ZONE 'Africa/Nairobi')::date"
WINDOW = "business = ANY(:businesses) AND created_at >= :start AND created_at < :end"

DAILY_COLUMNS = (
    "revenue",
    "sales_count",
    "cash",
    "cash_count",
    "mpesa",
    "mpesa_count",
    "receipts_count",
    "receipts_amount",
    "unmatched_count",
    "unmatched_amount",
    "needs_review_count",
    "cost",
    "uncosted_lines",
    "expenses",
    "expenses_count",
    "refunds",
    "refunds_count",
    "voided",
    "voided_count",
    "returned_cost",
    "damaged_cost",
)

PRODUCT_COLUMNS = (
    "quantity",
    "revenue",
    "lines",
    "cost",
    "uncosted_lines",
    "refunds",
    "refunded_quantity",
    "returned_cost",
    "damaged_cost",
)

# Goods handed back on paid refunds count on the refund's own day (as the money given back does).
# Profit, as an accountant books a sales return: the refund comes off revenue; goods that go back
# on the shelf are stock again, so their cost (as sold) comes off the cost of goods sold
# (`returned_cost`); damaged goods are written off and never come back, so their cost stays
# spent: a loss, kept in the cost of goods sold and shown apart (`damaged_cost`).
_GOODS_BACK = f"""sum(cost) FILTER (WHERE NOT damaged) AS returned_cost,
           sum(cost) FILTER (WHERE damaged) AS damaged_cost
    FROM payments.v_refund_lines WHERE status = 'paid' AND {WINDOW}"""

# One row per business per day of the grid, zeros where nothing happened.
_DAILY_SELECT = f"""
WITH grid AS (
    SELECT b AS business, d::date AS day
    FROM unnest(CAST(:businesses AS text[])) AS b,
         generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d
), s AS (
    SELECT business, {NAIROBI_DAY} AS day, count(*) AS sales_count, sum(total) AS revenue,
           sum(total) FILTER (WHERE method = 'cash') AS cash,
           count(*) FILTER (WHERE method = 'cash') AS cash_count,
           sum(total) FILTER (WHERE method = 'mpesa') AS mpesa,
           count(*) FILTER (WHERE method = 'mpesa') AS mpesa_count
    FROM payments.v_sales WHERE status = 'paid' AND {WINDOW} GROUP BY 1, 2
), m AS (
    SELECT coalesce(business, :unassigned) AS business, {NAIROBI_DAY} AS day,
           count(*) FILTER (WHERE status = 'paid') AS receipts_count,
           sum(amount) FILTER (WHERE status = 'paid') AS receipts_amount,
           count(*) FILTER (WHERE status = 'unmatched') AS unmatched_count,
           sum(amount) FILTER (WHERE status = 'unmatched') AS unmatched_amount,
           count(*) FILTER (WHERE status = 'needs_review') AS needs_review_count
    FROM payments.v_mpesa_payments
    WHERE (business = ANY(:businesses) OR (business IS NULL AND :unassigned = ANY(:businesses)))
      AND created_at >= :start AND created_at < :end
    GROUP BY 1, 2
), c AS (
    SELECT business, {NAIROBI_DAY} AS day, sum(line_cost) AS cost,
           count(*) FILTER (WHERE line_cost IS NULL) AS uncosted_lines
    FROM payments.v_sale_lines WHERE status = 'paid' AND {WINDOW} GROUP BY 1, 2
), e AS (
    SELECT business, {NAIROBI_DAY} AS day, sum(amount) AS expenses, count(*) AS expenses_count
    FROM payments.v_expenses WHERE {WINDOW} GROUP BY 1, 2
), r AS (
    -- Refunds count on the day the money went back, whichever day the sale was.
    SELECT business, {NAIROBI_DAY} AS day, sum(amount) AS refunds, count(*) AS refunds_count
    FROM payments.v_refunds WHERE status = 'paid' AND {WINDOW} GROUP BY 1, 2
), v AS (
    -- A voided sale leaves its own day's revenue; voids of sales never paid were never revenue.
    SELECT business, {NAIROBI_DAY} AS day, sum(total) AS voided, count(*) AS voided_count
    FROM payments.v_sales WHERE status = 'voided' AND paid_at IS NOT NULL AND {WINDOW} GROUP BY 1, 2
), b AS (
    SELECT business, {NAIROBI_DAY} AS day, {_GOODS_BACK} GROUP BY 1, 2
)
SELECT g.business, g.day,
       {", ".join(f"coalesce({c}, 0) AS {c}" for c in DAILY_COLUMNS)}
FROM grid g LEFT JOIN s USING (business, day) LEFT JOIN m USING (business, day)
     LEFT JOIN c USING (business, day) LEFT JOIN e USING (business, day)
     LEFT JOIN r USING (business, day) LEFT JOIN v USING (business, day)
     LEFT JOIN b USING (business, day)
"""

# Per product and day: what was sold that day, and what was handed back that day (of any day's
# sale), so a product refunded on a day it did not sell still has its row.
_PRODUCT_SELECT = f"""
WITH sold AS (
    SELECT business, {NAIROBI_DAY} AS day, product_id, max(name) AS name,
           sum(quantity) AS quantity, sum(line_total) AS revenue, count(*) AS lines,
           coalesce(sum(line_cost), 0) AS cost, count(*) FILTER (WHERE line_cost IS NULL) AS uncosted_lines
    FROM payments.v_sale_lines WHERE status = 'paid' AND {WINDOW} GROUP BY 1, 2, 3
), back AS (
    SELECT business, {NAIROBI_DAY} AS day, product_id, max(name) AS name,
           sum(amount) AS refunds, sum(quantity) AS refunded_quantity, {_GOODS_BACK} GROUP BY 1, 2, 3
)
SELECT business, day, product_id, coalesce(sold.name, back.name) AS name,
       {", ".join(f"coalesce({c}, 0) AS {c}" for c in PRODUCT_COLUMNS)}
FROM sold FULL JOIN back USING (business, day, product_id)
"""

_STOCK_SELECT = f"""
SELECT business, {NAIROBI_DAY} AS day, product_id, kind, sum(quantity) AS quantity, count(*) AS movements
FROM inventory.v_stock_movements WHERE {WINDOW} GROUP BY 1, 2, 3, 4
"""

# `name` is the category's name: the shared merging keeps the latest name of a key.
_EXPENSE_SELECT = f"""
SELECT business, {NAIROBI_DAY} AS day, category_id, max(category) AS name, sum(amount) AS amount,
       count(*) AS expenses
FROM payments.v_expenses WHERE {WINDOW} GROUP BY 1, 2, 3
"""

LIVE_DAILY = sa.text(_DAILY_SELECT)
LIVE_PRODUCTS = sa.text(_PRODUCT_SELECT)
LIVE_STOCK = sa.text(_STOCK_SELECT)
LIVE_EXPENSES = sa.text(_EXPENSE_SELECT)

_RANGE = "business = ANY(:businesses) AND day BETWEEN :first AND :last"

# Roll-ups: the daily row is an idempotent upsert; per-product and stock rows of the
# rolled days are replaced in the same transaction, so a product that vanished from a
# day (a refunded sale) does not linger.
ROLLUP_DAILY = sa.text(
    f"""INSERT INTO reporting.daily_rollups (business, day, {", ".join(DAILY_COLUMNS)})
    {_DAILY_SELECT}
    ON CONFLICT (business, day) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in DAILY_COLUMNS)}, computed_at = now()"""
)
ROLLUP_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext('reporting.rollup'))")
CLEAR_PRODUCTS = sa.text(f"DELETE FROM reporting.product_daily_rollups WHERE {_RANGE}")
ROLLUP_PRODUCTS = sa.text(
    f"""INSERT INTO reporting.product_daily_rollups (business, day, product_id, name, {", ".join(PRODUCT_COLUMNS)})
    {_PRODUCT_SELECT}"""
)
CLEAR_EXPENSES = sa.text(f"DELETE FROM reporting.expense_daily_rollups WHERE {_RANGE}")
ROLLUP_EXPENSES = sa.text(
    f"""INSERT INTO reporting.expense_daily_rollups (business, day, category_id, category, amount, expenses)
    {_EXPENSE_SELECT}"""
)
CLEAR_STOCK = sa.text(f"DELETE FROM reporting.stock_daily_rollups WHERE {_RANGE}")
ROLLUP_STOCK = sa.text(
    f"""INSERT INTO reporting.stock_daily_rollups (business, day, product_id, kind, quantity, movements)
    {_STOCK_SELECT}"""
)

# Closed days, read from roll-ups (cost grows with the days, not with the sales).
STORED_DAILY = sa.text(
    f"SELECT business, day, {', '.join(DAILY_COLUMNS)} FROM reporting.daily_rollups WHERE {_RANGE}"
)
STORED_PRODUCTS = sa.text(
    f"""SELECT business, product_id, (array_agg(name ORDER BY day DESC))[1] AS name,
           {", ".join(f"sum({c}) AS {c}" for c in PRODUCT_COLUMNS)}
    FROM reporting.product_daily_rollups WHERE {_RANGE} GROUP BY business, product_id"""
)
STORED_STOCK = sa.text(
    f"""SELECT business, product_id, kind, sum(quantity) AS quantity, sum(movements) AS movements
    FROM reporting.stock_daily_rollups WHERE {_RANGE} GROUP BY business, product_id, kind"""
)
STORED_EXPENSES = sa.text(
    f"""SELECT business, category_id, (array_agg(category ORDER BY day DESC))[1] AS name,
           sum(amount) AS amount, sum(expenses) AS expenses
    FROM reporting.expense_daily_rollups WHERE {_RANGE} GROUP BY business, category_id"""
)
ROLLED_DAYS = sa.text(f"SELECT day FROM reporting.daily_rollups WHERE {_RANGE}")
LAST_ROLLED = sa.text(
    "SELECT business, max(day) AS day, min(computed_at) FILTER (WHERE day = :day) AS computed_at "
    "FROM reporting.daily_rollups WHERE business = ANY(:businesses) GROUP BY business"
)

MARK_DIRTY = sa.text(
    "INSERT INTO reporting.dirty_days (business, day) VALUES (:business, :day) "
    "ON CONFLICT (business, day) DO UPDATE SET marked_at = now()"
)
DIRTY_DAYS = sa.text("SELECT business, day, marked_at FROM reporting.dirty_days ORDER BY day LIMIT :limit")
# Only clear a mark that was not renewed while we rolled the day up.
CLEAR_DIRTY = sa.text(
    "DELETE FROM reporting.dirty_days WHERE business = :business AND day = :day AND marked_at <= :marked_at"
)

PRODUCT_NAMES = sa.text("SELECT id, name FROM inventory.v_products WHERE id = ANY(:ids)")

# Dashboard: today's money, and what needs the owner's attention.
TODAY_SALES = sa.text(
    f"""SELECT count(*) AS sales_count, coalesce(sum(total), 0) AS revenue,
           coalesce(sum(total) FILTER (WHERE method = 'cash'), 0) AS cash,
           coalesce(sum(total) FILTER (WHERE method = 'mpesa'), 0) AS mpesa,
           coalesce(sum(total) FILTER (WHERE method = 'account'), 0) AS on_account
    FROM payments.v_sales WHERE status = 'paid' AND {WINDOW}"""
)
# Money given back today (whichever day its sale was): apart from today's revenue.
TODAY_REFUNDS = sa.text(
    f"""SELECT count(*) AS refunds_count, coalesce(sum(amount), 0) AS refunds
    FROM payments.v_refunds WHERE status = 'paid' AND {WINDOW}"""
)
ATTENTION_PAYMENTS = sa.text(
    """SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'needs_review') AS needs_review
    FROM payments.v_mpesa_payments
    WHERE business = ANY(:businesses) AND created_at >= :since AND status IN ('pending', 'needs_review')"""
)
LOW_STOCK = sa.text(
    """SELECT count(*) FROM inventory.v_products
    WHERE business = ANY(:businesses) AND active AND track_stock AND stock_level <= reorder_level"""
)
# Today's laundry orders in any status, plus older ones still open (not collected/cancelled).
LAUNDRY_ORDERS = sa.text(
    """SELECT order_status, count(*) AS n FROM payments.v_sales
    WHERE business = ANY(:businesses) AND order_status IS NOT NULL
      AND created_at >= :since AND created_at < :end
      AND (created_at >= :start OR order_status NOT IN ('collected', 'cancelled'))
    GROUP BY order_status"""
)
