"""Published database views: the only way one service reads another's schema.

Each view's columns are declared here; a test compares them with the database, so a migration
that renames or drops a column of a published view fails before any reader breaks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """A view its owner publishes, the columns readers may rely on, and the roles granted SELECT."""

    name: str
    columns: tuple[str, ...]  # in the view's order: new columns are only ever appended
    readers: tuple[str, ...]


VIEWS: tuple[View, ...] = (
    View(
        "accounts.v_businesses",
        ("code", "name", "kind", "archived", "updated_at"),
        ("inventory", "payments", "reporting"),
    ),
    # Where the owner's text alerts go (accounts 0006): active owners with a phone.
    View("accounts.v_owner_phones", ("user_id", "phone", "language"), ("payments",)),
    View(
        "inventory.v_products",
        (
            "id",
            "business",
            "sku",
            "name",
            "unit",
            "price",
            "track_stock",
            "stock_level",
            "reorder_level",
            "active",
            "updated_at",
            "cost",
        ),
        ("payments", "reporting"),
    ),  # fmt: skip
    View(
        "inventory.v_stock_movements",
        (
            "id",
            "product_id",
            "business",
            "kind",
            "quantity",
            "reason",
            "source_type",
            "source_id",
            "created_by",
            "created_at",
        ),
        ("payments", "reporting"),
    ),  # fmt: skip
    View(
        "payments.v_sales",
        (
            "id",
            "business",
            "method",
            "status",
            "total",
            "created_at",
            "updated_at",
            "order_status",
            "paid_at",
            "voided_at",
        ),
        ("reporting",),
    ),
    View(
        "payments.v_refunds",
        ("id", "sale_id", "business", "channel", "status", "amount", "created_at", "updated_at", "paid_at"),
        ("reporting",),
    ),
    View(
        "payments.v_refund_lines",
        (
            "id",
            "refund_id",
            "sale_id",
            "sale_line_id",
            "business",
            "product_id",
            "name",
            "quantity",
            "amount",
            "damaged",
            "cost",
            "channel",
            "status",
            "created_at",
        ),
        ("reporting",),
    ),  # fmt: skip
    View(
        "payments.v_sale_lines",
        (
            "id",
            "sale_id",
            "business",
            "product_id",
            "name",
            "quantity",
            "unit_price",
            "line_total",
            "status",
            "created_at",
            "unit_cost",
            "line_cost",
        ),
        ("reporting",),
    ),  # fmt: skip
    View(
        "payments.v_mpesa_payments",
        (
            "id",
            "sale_id",
            "business",
            "kind",
            "status",
            "amount",
            "receipt",
            "result_code",
            "created_at",
            "updated_at",
            "paid_at",
        ),
        ("reporting",),
    ),  # fmt: skip
    View(
        "payments.v_expenses",
        (
            "id",
            "business",
            "category_id",
            "category",
            "amount",
            "paid_from",
            "shift_id",
            "created_by",
            "created_at",
        ),
        ("reporting",),
    ),  # fmt: skip
)
