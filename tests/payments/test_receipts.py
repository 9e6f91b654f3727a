"""Receipts: every sale has a public page behind an unguessable token, which opens without a login
and shows what happened to the sale afterwards (a refund, a void)."""

from __future__ import annotations

import uuid

import pytest

from payments.models import Sale
from payments.receipt_words import WORDS
from payments.services import receipts

pytestmark = pytest.mark.usefixtures("products")


def _sale(post_sale, products, quantity="2") -> dict:
    answer = post_sale(lines=[{"product_id": products["B20"], "quantity": quantity}])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_each_sale_has_its_own_unguessable_token(app, post_sale, products):
    sales = [_sale(post_sale, products) for _ in range(3)]
    tokens = [s["receipt_token"] for s in sales]
    assert len(set(tokens)) == 3
    for sale, token in zip(sales, tokens, strict=True):
        assert len(token) >= 22 and receipts.TOKEN.fullmatch(token)  # 128 random bits, URL-safe
        assert sale["reference"] not in token
    with app.app_context():
        stored = Sale.query.filter(Sale.id.in_([s["id"] for s in sales])).all()
        assert sorted(s.receipt_token for s in stored) == sorted(tokens)


def test_the_receipt_opens_without_a_login_and_shows_a_later_refund_and_void(
    client, auth, post_sale, products
):
    refunded, voided = _sale(post_sale, products), _sale(post_sale, products, "1")
    page = client.get(f"/r/{refunded['receipt_token']}?lang=en")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert refunded["reference"] in text and "KES 900.00" in text and "Bottle 20 L" in text
    assert WORDS["en"]["refunds"] not in text

    line = refunded["lines"][0]["id"]
    answer = client.post(
        f"/api/payments/sales/{refunded['id']}/refunds",
        json={"channel": "cash", "reason": "one leaked", "lines": [{"sale_line_id": line, "quantity": "1"}]},
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == 201, answer.get_json()
    text = client.get(f"/r/{refunded['receipt_token']}?lang=en").get_data(as_text=True)
    assert WORDS["en"]["refunds"] in text and "KES 450.00" in text

    answer = client.post(
        f"/api/payments/sales/{voided['id']}/void", json={"reason": "typed twice"}, headers=auth()
    )
    assert answer.status_code == 200, answer.get_json()
    sw = client.get(f"/r/{voided['receipt_token']}")  # Swahili unless the link says otherwise
    assert sw.headers["Content-Language"] == "sw"
    assert WORDS["sw"]["status.voided"] in sw.get_data(as_text=True)
    assert 'data-testid="voided"' in sw.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/r/" + "A" * 22,  # well formed, nobody's
        "/r/short",  # not what a token looks like: answered without a query
        "/r/" + "x" * 44,
    ],
)
def test_a_wrong_token_is_a_404_problem(client, post_sale, products, path):
    _sale(post_sale, products)
    answer = client.get(path)
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


def test_neither_a_near_token_nor_the_sale_number_opens_it(client, post_sale, products):
    sale = _sale(post_sale, products)
    token = sale["receipt_token"]
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in (
        near,
        token.lower() if token.lower() != token else token.upper(),
        sale["id"],
        sale["reference"],
    ):
        assert client.get(f"/r/{guess}").status_code == 404, guess
    assert client.get(f"/r/{token}?lang=fr").status_code == 422  # a language we do not speak


def test_both_languages_have_every_word():
    assert set(WORDS["en"]) == set(WORDS["sw"])
    assert all(WORDS["sw"][key] != "" for key in WORDS["en"])


def test_a_receipt_is_texted_on_request_to_the_customer_once_per_request(
    app, client, auth, post_sale, products
):
    from payments.message_models import Message
    from payments.models import db as payments_db
    from support.problems import assert_problem

    sale = _sale(post_sale, products)
    url = f"/api/payments/sales/{sale['id']}/receipt/sms"
    assert_problem(
        client.post(url, json={}, headers={**auth(), "Idempotency-Key": str(uuid.uuid4())}), 422, "phone"
    )
    bad = {"phone": "12345"}
    assert_problem(
        client.post(url, json=bad, headers={**auth(), "Idempotency-Key": str(uuid.uuid4())}), 422, "phone"
    )
    key = str(uuid.uuid4())
    for _ in range(2):
        answer = client.post(
            url, json={"phone": "0712345678", "language": "en"}, headers={**auth(), "Idempotency-Key": key}
        )
        assert answer.status_code == 201, answer.get_json()
    with app.app_context():
        sent = payments_db.session.query(Message).filter_by(kind="receipt").all()
    assert len(sent) == 1 and sent[0].phone == "254712345678" and sent[0].language == "en"
    assert f"/r/{sale['receipt_token']}?lang=en" in sent[0].body and "900.00" in sent[0].body
