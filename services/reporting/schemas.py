"""reporting request and response schemas (money and quantities dumped as strings)."""

import datetime as dt

from marshmallow import RAISE, Schema, fields, validate

from common.fields import AsOf

# Older dates are typos; they also keep day arithmetic far from datetime's limits.
EARLIEST = dt.date(2000, 1, 1)


def _day(**kwargs) -> fields.Date:
    return fields.Date(required=True, validate=validate.Range(min=EARLIEST), **kwargs)


def _money(**kwargs) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=2, **kwargs)


def _qty() -> fields.Decimal:
    return fields.Decimal(as_string=True, places=3)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class TodaySchema(Schema):
    business = fields.String()
    business_day = fields.Date()
    revenue = _money()
    sales_count = fields.Integer()
    cash = _money()
    mpesa = _money()
    # Sold on account (deni) today: revenue, but neither cash nor M-Pesa until the customer pays.
    on_account = _money()
    # Money given back today (refunds of any day's sales), apart from revenue.
    refunds = _money()
    refunds_count = fields.Integer()
    pending_mpesa = fields.Integer()
    needs_review_mpesa = fields.Integer()
    low_stock_count = fields.Integer()
    laundry_orders = fields.Dict(keys=fields.String(), values=fields.Integer())
    as_of = AsOf()


class ReportSchema(Schema):
    """A report's JSON answer; its rows take the shape of that report's row schema below."""

    business = fields.String()
    report = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    rows = fields.List(fields.Dict())
    totals = fields.Dict()
    as_of = AsOf()


class ReportArgsSchema(StrictSchema):
    from_ = _day(data_key="from")
    to = _day()
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class RerollSchema(StrictSchema):
    from_ = _day(data_key="from")
    to = _day()
    business = fields.String(load_default="all", validate=validate.Length(1, 16))


class RerollResultSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    businesses = fields.List(fields.String())
    rows = fields.Integer()


# One row schema per report: its field order is also the CSV column order.
class RevenueRowSchema(Schema):
    day = fields.Date()
    revenue = _money()
    sales_count = fields.Integer()
    cash = _money()
    mpesa = _money()
    refunds = _money()
    refunds_count = fields.Integer()
    net_revenue = _money()
    voided = _money()
    voided_count = fields.Integer()


class MethodRowSchema(Schema):
    method = fields.String()
    sales_count = fields.Integer()
    amount = _money()
    share_percent = fields.Decimal(as_string=True, places=1)


class MpesaRowSchema(Schema):
    day = fields.Date()
    mpesa_sales = _money()
    mpesa_sales_count = fields.Integer()
    receipts_amount = _money()
    receipts_count = fields.Integer()
    difference = _money()
    unmatched_count = fields.Integer()
    unmatched_amount = _money()
    needs_review_count = fields.Integer()


class ProductRowSchema(Schema):
    product_id = fields.Integer()
    business = fields.String()
    name = fields.String()
    quantity = _qty()
    revenue = _money()
    lines = fields.Integer()


class StockRowSchema(Schema):
    product_id = fields.Integer()
    business = fields.String()
    name = fields.String()
    receive = _qty()
    sale = _qty()
    adjust = _qty()
    # "return" is a Python keyword: the attribute differs, the column name does not.
    return_ = fields.Decimal(as_string=True, places=3, data_key="return", attribute="return")
    write_off = _qty()
    net = _qty()
    movements = fields.Integer()


def _profit_fields(net: bool) -> dict:
    """Gross profit (and, where expenses belong, net), with the lines sold without a cost price."""
    figures = {
        "revenue": _money(),
        "refunds": _money(),
        "cost": _money(),
        "returned_cost": _money(
            metadata={
                "description": "Cost of refunded goods back on the shelf: out of the cost of goods sold."
            }
        ),
        "damaged_cost": _money(
            metadata={
                "description": "Cost of refunded goods written off as damaged: a loss, kept in the cost."
            }
        ),
        "gross_profit": _money(),
    }
    if net:
        figures.update(expenses=_money(), net_profit=_money(), voided=_money())
    uncosted = fields.Integer(metadata={"description": "Lines sold while the product had no cost price."})
    return {**figures, "uncosted_lines": uncosted}


ProfitRowSchema = Schema.from_dict({"day": fields.Date(), **_profit_fields(net=True)}, name="ProfitRowSchema")
ProfitBusinessRowSchema = Schema.from_dict(
    {"business": fields.String(), **_profit_fields(net=True)}, name="ProfitBusinessRowSchema"
)
ProfitProductRowSchema = Schema.from_dict(
    {
        "product_id": fields.Integer(),
        "business": fields.String(),
        "name": fields.String(),
        "quantity": _qty(),
        "refunded_quantity": _qty(),
        **_profit_fields(net=False),
    },
    name="ProfitProductRowSchema",
)


class ExpenseRowSchema(Schema):
    category_id = fields.Integer()
    category = fields.String(attribute="name")
    amount = _money()
    count = fields.Integer(attribute="expenses")


ROW_SCHEMAS = {
    "profit": ProfitRowSchema,
    "profit-businesses": ProfitBusinessRowSchema,
    "profit-products": ProfitProductRowSchema,
    "expenses": ExpenseRowSchema,
    "revenue": RevenueRowSchema,
    "methods": MethodRowSchema,
    "mpesa": MpesaRowSchema,
    "products": ProductRowSchema,
    "top-products": ProductRowSchema,
    "stock": StockRowSchema,
}


def dump_report(kind: str, label: str, first, last, result: dict) -> dict:
    """The JSON body of a report: its rows and totals in that report's row shape."""
    schema = ROW_SCHEMAS[kind]()
    body = {
        "business": label,
        "report": kind,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rows": schema.dump(result["rows"], many=True),
    }
    if "totals" in result:
        body["totals"] = schema.dump(result["totals"])
    return body


def columns(kind: str) -> list[str]:
    """The CSV columns of a report, in its row schema's order."""
    return [field.data_key or name for name, field in ROW_SCHEMAS[kind]().dump_fields.items()]
