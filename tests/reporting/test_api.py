"""reporting HTTP API: the dashboard, reports, CSV, owner-only access and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import factories
import known
import pytest

from support.problems import assert_problem

DAY = dt.timedelta(days=1)


@pytest.fixture
def client(app):
    return app.test_client()


def test_today_for_one_business_and_all_of_the_callers(client, auth, history):
    body = client.get("/api/reports/businesses/water/today", headers=auth()).get_json()
    exp = history.daily(("water",), history.today)
    assert (body["revenue"], body["sales_count"]) == (str(exp["revenue"]), exp["sales_count"])
    assert (body["cash"], body["mpesa"]) == (str(exp["cash"]), str(exp["mpesa"]))
    assert body["business_day"] == history.today.isoformat() and body["as_of"].endswith("Z")
    assert body["laundry_orders"] == {} and body["low_stock_count"] == 1
    staff = client.get("/api/reports/businesses/all/today", headers=auth("staff", ["laundry"])).get_json()
    assert staff["revenue"] == str(history.daily(("laundry",), history.today)["revenue"])
    assert set(staff["laundry_orders"]) == {
        "received",
        "washing",
        "drying",
        "ready",
        "collected",
        "cancelled",
    }
    assert (
        client.get("/api/reports/businesses/water/today", headers=auth("staff", ["laundry"])).status_code
        == 403
    )


def test_a_sale_changes_the_very_next_dashboard_read_and_its_etag(client, auth, history):
    url = "/api/reports/businesses/retail/today"
    first = client.get(url, headers=auth())
    again = client.get(url, headers={**auth(), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    pid = next(p for p, v in history.products.items() if v["name"] == "Sugar 1 kg")
    history.add_sale("retail", "cash", dt.datetime.now(dt.UTC), [(pid, "Sugar 1 kg", "2", "180.00")])
    after = client.get(url, headers={**auth(), "If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["revenue"] == str(history.daily(("retail",), history.today)["revenue"])
    assert after.headers["ETag"] != first.headers["ETag"]


def report_url(kind, first, last, business="all", **extra):
    query = "&".join(f"{k}={v}" for k, v in {"from": first, "to": last, **extra}.items())
    return f"/api/reports/businesses/{business}/reports/{kind}?{query}"


def test_revenue_report_json_and_304(client, auth, history):
    first = history.today - 3 * DAY
    url = report_url("revenue", first, history.today)
    response = client.get(url, headers=auth())
    body = response.get_json()
    assert response.status_code == 200 and body["report"] == "revenue"
    assert [r["revenue"] for r in body["rows"]] == [
        str(history.daily(known.BUSINESSES, first + i * DAY)["revenue"]) for i in range(4)
    ]
    assert response.headers["X-Cache-Audience"] == "user"
    again = client.get(url, headers={**auth(), "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_each_report_exports_csv_with_plain_decimal_money(client, auth, history):
    first = history.today - 2 * DAY
    for kind in ("revenue", "methods", "mpesa", "products", "top-products", "stock"):
        response = client.get(report_url(kind, first, history.today, format="csv"), headers=auth())
        assert response.status_code == 200, kind
        assert response.mimetype == "text/csv"
        assert f'filename="tomtin-{kind}-all-' in response.headers["Content-Disposition"]
        table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert table, kind
    revenue = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    report_url("revenue", first, history.today, format="csv"), headers=auth()
                ).get_data(as_text=True)
            )
        )
    )
    assert revenue[0]["revenue"] == str(history.daily(known.BUSINESSES, first)["revenue"])
    assert list(revenue[0]) == [
        "day",
        "revenue",
        "sales_count",
        "cash",
        "mpesa",
        "refunds",
        "refunds_count",
        "net_revenue",
        "voided",
        "voided_count",
    ]


def test_staff_cannot_see_reports_or_reroll(client, auth, history):
    url = report_url("revenue", history.today, history.today, business="water")
    assert_problem(client.get(url, headers=auth("staff", ["water"])), 403)
    assert_problem(
        client.post(
            "/api/reports/rollups", json={"from": "2026-01-01", "to": "2026-01-02"}, headers=auth("staff")
        ),
        403,
    )
    assert_problem(client.get(url), 401)


@pytest.mark.parametrize(
    "query,field",
    [
        ("from=yesterday&to=2026-01-02", "from"),
        ("from=2026-01-01&to=2026-01-02&limit=ten", "limit"),
        ("from=2026-01-01&to=2026-01-02&colour=red", "colour"),
        ("from=2026-01-01&to=2026-01-02&format=xlsx", "format"),
        ("to=2026-01-02", "from"),
        ("from=2026-01-05&to=2026-01-02", "from"),
        ("from=0001-01-01&to=0001-01-02", "from"),
    ],
)
def test_bad_report_queries_get_a_422_problem(client, auth, query, field):
    response = client.get(f"/api/reports/businesses/all/reports/revenue?{query}", headers=auth())
    assert_problem(response, 422, field)


def test_unknown_report_or_business_is_404(client, auth):
    assert_problem(client.get(report_url("horoscope", "2026-01-01", "2026-01-02"), headers=auth()), 404)
    assert_problem(
        client.get(report_url("revenue", "2026-01-01", "2026-01-02", business="bakery"), headers=auth()), 404
    )


def test_owner_rerolls_a_range(client, auth, history):
    first, last = history.today - 3 * DAY, history.today - DAY
    response = client.post(
        "/api/reports/rollups", json={"from": first.isoformat(), "to": last.isoformat()}, headers=auth()
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "businesses": [*sorted(known.BUSINESSES), known.UNASSIGNED],
        "rows": 12,
    }
    stored = factories.rows("SELECT sum(revenue) AS r FROM reporting.daily_rollups")[0]["r"]
    assert stored == sum(history.daily(known.BUSINESSES, first + i * DAY)["revenue"] for i in range(3))


@pytest.mark.parametrize(
    "body,kwargs,status,field",
    [
        (None, {"data": "{not json", "content_type": "application/json"}, 400, None),
        ({"from": "2026-01-01", "to": "2026-01-02", "extra": 1}, {}, 422, "extra"),
        ({"from": 20260101, "to": "2026-01-02"}, {}, 422, "from"),
        ({"from": "2026-01-01", "to": "2026-01-02", "business": "bakery"}, {}, 422, "business"),
        ({"from": "2026-01-01", "to": "2099-01-02"}, {}, 422, "to"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, {}, 422, "from"),
        ([1, 2], {}, 422, None),
    ],
)
def test_bad_reroll_bodies_change_nothing(client, auth, body, kwargs, status, field):
    response = (
        client.post("/api/reports/rollups", json=body, headers=auth(), **kwargs)
        if body
        else client.post("/api/reports/rollups", headers=auth(), **kwargs)
    )
    assert_problem(response, status, field)
    assert factories.rows("SELECT count(*) AS n FROM reporting.daily_rollups")[0]["n"] == 0


def test_csv_quotes_cells_a_spreadsheet_would_run_as_formulas(client, auth, history):
    pid = history.add_product("retail", "=HYPERLINK(1)", "10.00")
    history.add_sale("retail", "cash", history.now, [(pid, "=HYPERLINK(1)", "1", "10.00")])
    url = report_url("products", history.today, history.today, business="retail", format="csv")
    table = list(csv.DictReader(io.StringIO(client.get(url, headers=auth()).get_data(as_text=True))))
    assert "'=HYPERLINK(1)" in [row["name"] for row in table]
