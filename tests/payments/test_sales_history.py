"""The sales history: one business day, by seller, method and status, and the phone a sale came from."""

import datetime as dt

import sqlalchemy as sa

from common.timeutil import business_day
from payments.models import Sale, db
from support.problems import assert_problem

URL = "/api/payments/businesses/water/sales"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [s["id"] for s in response.get_json()["items"]]


def test_sales_of_a_day_by_seller_method_and_status_with_their_phone(app, client, auth, post_sale, products):
    line = [{"product_id": products["R20"], "quantity": "1"}]
    mine = post_sale(lines=line, device="phone-k7m2pq").get_json()
    staff = auth("staff", ["water"], user_id=2)
    theirs = post_sale(lines=line, method="mpesa", customer_phone="0712345678", headers=staff).get_json()
    old = post_sale(lines=line).get_json()
    yesterday = business_day() - dt.timedelta(days=1)
    with app.app_context():  # recorded yesterday, Nairobi noon
        noon = dt.datetime.combine(yesterday, dt.time(9, 0), tzinfo=dt.UTC)
        db.session.execute(sa.update(Sale).where(Sale.id == old["id"]).values(created_at=noon))
        db.session.commit()
    owner = auth()
    get = lambda **query: client.get(URL, query_string=query, headers=owner)  # noqa: E731

    assert mine["device"] == "phone-k7m2pq" and mine["created_by"] == 1 and theirs["device"] is None
    assert (
        client.get(f"/api/payments/sales/{mine['id']}", headers=owner).get_json()["device"] == "phone-k7m2pq"
    )
    assert _ids(get()) == [theirs["id"], mine["id"], old["id"]]
    assert _ids(get(day=yesterday.isoformat())) == [old["id"]]
    assert _ids(get(day=business_day().isoformat())) == [theirs["id"], mine["id"]]
    assert _ids(get(staff=2)) == [theirs["id"]]
    assert _ids(get(method="cash")) == [mine["id"], old["id"]]
    assert _ids(get(status="pending")) == [theirs["id"]]
    assert _ids(get(method="cash", staff=1, day=yesterday.isoformat())) == [old["id"]]

    # Delta-polled like the rest: a voided sale leaves "paid", so the delta still names it.
    cursor = get(status="paid").get_json()["as_of"]
    client.post(f"/api/payments/sales/{mine['id']}/void", json={"reason": "rang up twice"}, headers=owner)
    [changed] = get(status="paid", changed_since=cursor).get_json()["items"]
    assert changed["id"] == mine["id"] and changed["status"] == "voided"
    assert mine["id"] not in _ids(get(status="paid"))


def test_bad_history_filters_and_device_ids_are_refused(app, client, auth, post_sale, products):
    for query, field in (
        ({"status": "stolen"}, "status"),
        ({"method": "card"}, "method"),
        ({"day": "2026-13-01"}, "day"),
        ({"day": "yesterday"}, "day"),
        ({"staff": "0"}, "staff"),
        ({"staff": "amina"}, "staff"),
    ):
        assert_problem(client.get(URL, query_string=query, headers=auth()), 422, field)
    line = [{"product_id": products["R20"], "quantity": "1"}]
    assert_problem(post_sale(lines=line, device="phone 1; drop"), 422, "device")
    assert_problem(post_sale(lines=line, device="x" * 41), 422, "device")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Sale)) == 0
