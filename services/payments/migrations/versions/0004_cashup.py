"""money out and closing the day: expense categories, expenses, shifts; sale lines keep their cost

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "payments"
READERS = ("tomtin_reporting",)
SALE_LINE_COLUMNS = """l.id, l.sale_id, s.business, l.product_id, l.name, l.quantity, l.unit_price, l.line_total,
               s.status, s.created_at"""


def upgrade() -> None:
    op.create_table(
        "expense_categories",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_expense_categories_name",
        "expense_categories",
        [sa.text("lower(name)")],
        unique=True,
        schema=SCHEMA,
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.BigInteger, nullable=False),
        sa.Column("opened_by_name", sa.String(64), nullable=False),
        sa.Column("float", sa.Numeric(12, 2), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.BigInteger),
        sa.Column("counted", sa.Numeric(12, 2)),
        sa.Column("expected_at_close", sa.Numeric(12, 2)),
        sa.Column("pending_at_close", sa.Integer),
        sa.Column("note", sa.String(200)),
        sa.CheckConstraint("float >= 0", name="ck_shifts_float_not_negative"),
        sa.CheckConstraint("counted >= 0", name="ck_shifts_counted_not_negative"),
        sa.CheckConstraint("(closed_at IS NULL) = (counted IS NULL)", name="ck_shifts_closed_counted"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_shifts_open",
        "shifts",
        ["business", "opened_by"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
        schema=SCHEMA,
    )
    op.create_index("ix_shifts_business_opened", "shifts", ["business", "opened_at"], schema=SCHEMA)
    op.create_table(
        "expenses",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("idempotency_key", sa.Uuid, nullable=False),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column(
            "category_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.expense_categories.id"), nullable=False
        ),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid_from", sa.String(8), nullable=False),
        sa.Column("note", sa.String(200)),
        sa.Column("shift_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.shifts.id")),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("created_by_name", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("idempotency_key", name="uq_expenses_idempotency_key"),
        sa.CheckConstraint("amount > 0", name="ck_expenses_amount_positive"),
        sa.CheckConstraint("paid_from IN ('till', 'mpesa')", name="ck_expenses_paid_from"),
        schema=SCHEMA,
    )
    op.create_index("ix_expenses_business_created", "expenses", ["business", "created_at"], schema=SCHEMA)
    op.create_index("ix_expenses_shift", "expenses", ["shift_id"], schema=SCHEMA)
    op.add_column(
        "sales", sa.Column("shift_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.shifts.id")), schema=SCHEMA
    )
    op.create_index("ix_sales_shift_id", "sales", ["shift_id"], schema=SCHEMA)
    # The cost in force when the line was sold (NULL: the owner had set none).
    op.add_column("sale_lines", sa.Column("unit_cost", sa.Numeric(12, 2)), schema=SCHEMA)
    op.add_column("sale_lines", sa.Column("line_cost", sa.Numeric(12, 2)), schema=SCHEMA)
    # Published views: columns only ever appended.
    op.execute(
        f"""CREATE OR REPLACE VIEW {SCHEMA}.v_sale_lines AS
        SELECT {SALE_LINE_COLUMNS}, l.unit_cost, l.line_cost
        FROM {SCHEMA}.sale_lines l JOIN {SCHEMA}.sales s ON s.id = l.sale_id"""
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_expenses AS
        SELECT e.id, e.business, e.category_id, c.name AS category, e.amount, e.paid_from, e.shift_id,
               e.created_by, e.created_at
        FROM {SCHEMA}.expenses e JOIN {SCHEMA}.expense_categories c ON c.id = e.category_id"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_sale_lines, {SCHEMA}.v_expenses TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_expenses")
    op.execute(f"DROP VIEW {SCHEMA}.v_sale_lines")
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_sale_lines AS SELECT {SALE_LINE_COLUMNS}
        FROM {SCHEMA}.sale_lines l JOIN {SCHEMA}.sales s ON s.id = l.sale_id"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_sale_lines TO {', '.join(READERS)}")
    op.drop_column("sale_lines", "line_cost", schema=SCHEMA)
    op.drop_column("sale_lines", "unit_cost", schema=SCHEMA)
    op.drop_index("ix_sales_shift_id", "sales", schema=SCHEMA)
    op.drop_column("sales", "shift_id", schema=SCHEMA)
    op.drop_table("expenses", schema=SCHEMA)
    op.drop_table("shifts", schema=SCHEMA)
    op.drop_table("expense_categories", schema=SCHEMA)
