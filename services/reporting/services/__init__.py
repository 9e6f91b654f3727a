"""reporting business rules, read from published views only, one module per topic: the shared
scope (base), the rows behind the reports (figures), roll-ups, the range reports and the
dashboard. No Flask request in here."""

from .base import DAY, UNASSIGNED, all_businesses, known_business, rolled, scope
from .dashboard import dashboard
from .figures import check_range
from .reports import (
    REPORTS,
    STOCK_KINDS,
    expense_report,
    method_report,
    mpesa_report,
    product_report,
    profit_business_report,
    profit_product_report,
    profit_report,
    revenue_report,
    run_report,
    stock_report,
)
from .rollups import (
    ROLLUP_GRACE,
    repair_rollups,
    reroll,
    roll_dirty,
    roll_due,
    rollup_days,
    rollup_range,
    sales_changed,
    warm,
)

__all__ = [
    "DAY",
    "REPORTS",
    "ROLLUP_GRACE",
    "STOCK_KINDS",
    "UNASSIGNED",
    "all_businesses",
    "check_range",
    "dashboard",
    "expense_report",
    "known_business",
    "method_report",
    "mpesa_report",
    "product_report",
    "profit_business_report",
    "profit_product_report",
    "profit_report",
    "repair_rollups",
    "reroll",
    "revenue_report",
    "roll_dirty",
    "roll_due",
    "rolled",
    "rollup_days",
    "rollup_range",
    "run_report",
    "sales_changed",
    "scope",
    "stock_report",
    "warm",
]
