"""Text messages in payments: queue_message, the sender against the SMS simulator, delivery
reports, opt-outs and the owner's Messages API (the real PostgreSQL; the simulator over HTTP)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from common.errors import InvalidInput
from payments.message_models import Message
from payments.models import db
from payments.services import messages, messages_sender
from payments.sms import SmsClient
from support.env import SMS_WEBHOOK_SECRET
from support.problems import assert_problem
from support.sms import SmsSim

HOOK = f"/hooks/sms/{SMS_WEBHOOK_SECRET}"
CUSTOMER = "0712345678"
READY = {"ticket": "L-17"}


@pytest.fixture(scope="module")
def sms_sim():
    running = SmsSim()
    yield running
    running.stop()


@pytest.fixture
def sms(app, sms_sim):
    """payments pointed at the threaded simulator, with no wait before a lost send is retried."""
    ext = app.extensions["tomtin"]
    original = ext["sms"]
    ext["sms"] = dataclasses.replace(original, base_url=sms_sim.url, uncertain_wait_seconds=30)
    sms_sim.reset()
    yield sms_sim
    ext["sms"] = original


def queue(app, phone=CUSTOMER, kind="laundry_ready", params=READY, language="en", **extra) -> int:
    with app.app_context():
        message = messages.queue_message("laundry", phone, kind, params, language, **extra)
        db.session.commit()
        return message.id


def load(app, message_id: int) -> Message:
    with app.app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def send_due(app) -> dict:
    with app.app_context():
        return messages_sender.send_due()


def report(client, body: dict, secret: str = SMS_WEBHOOK_SECRET):
    return client.post(f"/hooks/sms/{secret}/delivery", data=body)


def test_a_queued_message_is_sent_once_in_the_customers_language(app, sms):
    message_id = queue(app, language="sw")
    assert send_due(app)["sent"] == 1
    assert send_due(app)["sent"] == 0
    sent = sms.messages()
    assert [m["number"] for m in sent] == ["+254712345678"]
    assert sent[0]["text"] == "Laundry: nguo zako (tiketi L-17) ziko tayari kuchukuliwa."
    message = load(app, message_id)
    assert (message.status, message.provider_id, message.cost) == (
        "sent",
        sent[0]["message_id"],
        Decimal("0.8000"),
    )


def test_the_same_key_queues_one_message(app, sms):
    first = queue(app, key="laundry-ready-17")
    assert queue(app, key="laundry-ready-17") == first
    send_due(app)
    assert len(sms.messages()) == 1


@pytest.mark.parametrize(
    ("phone", "kind", "params", "field"),
    [
        ("12345", "laundry_ready", READY, "phone"),
        (CUSTOMER, "birthday", READY, "kind"),
        (CUSTOMER, "payment_reminder", {}, "balance"),
    ],
)
def test_bad_input_is_refused_and_queues_nothing(app, phone, kind, params, field):
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        messages.queue_message("laundry", phone, kind, params, "en")
    assert field in refused.value.errors
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_an_invalid_number_ends_failed_with_a_plain_reason(app, sms, client, auth):
    message_id = queue(app, phone="0712345403")
    assert send_due(app)["failed"] == 1
    message = load(app, message_id)
    assert (message.status, message.failure_reason, message.cost) == ("failed", "invalid_number", None)
    item = client.get("/api/payments/messages", headers=auth()).get_json()["items"][0]
    assert item["reason_text"] == "This number cannot get text messages."


def test_the_owner_sends_a_failed_message_again_once(app, sms, client, auth):
    failed = queue(app, phone="0712345405")  # the account had no credit
    send_due(app)
    delivered = queue(app, key="fine")
    send_due(app)
    headers = {**auth(), "Idempotency-Key": "5f0c1c9e-3d5e-4b8e-9a51-0c3d2b1a4f10"}
    first = client.post(f"/api/payments/messages/{failed}/resend", headers=headers)
    again = client.post(f"/api/payments/messages/{failed}/resend", headers=headers)
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    copy = load(app, first.get_json()["id"])
    assert (copy.status, copy.body, copy.phone) == ("queued", load(app, failed).body, "254712345405")
    assert_problem(client.post(f"/api/payments/messages/{delivered}/resend", headers=headers), 409)
    assert_problem(client.post("/api/payments/messages/999999/resend", headers=headers), 404)
    assert_problem(client.post(f"/api/payments/messages/{failed}/resend", headers=auth("staff")), 403)


def test_a_busy_service_is_retried_with_back_off(app, sms):
    message_id = queue(app, phone="0712345503")  # busy twice, then sent
    assert send_due(app)["retry"] == 1
    first = load(app, message_id)
    assert first.status == "queued" and first.next_attempt_at > first.created_at
    assert send_due(app)["sent"] == 0  # not due yet
    for _ in range(2):
        with app.app_context():
            db.session.execute(sa.update(Message).values(next_attempt_at=sa.func.now()))
            db.session.commit()
        send_due(app)
    message = load(app, message_id)
    assert (message.status, message.attempts) == ("sent", 3)
    assert len([m for m in sms.messages() if m["accepted"]]) == 1


def test_duplicate_delivery_reports_change_nothing(app, sms, client):
    message_id = queue(app)
    send_due(app)
    body = sms.messages()[0]["report"]
    assert report(client, body).get_json() == {"outcome": "delivered"}
    delivered = load(app, message_id)
    for _ in range(2):
        assert report(client, body).get_json() == {"outcome": "duplicate"}
    again = load(app, message_id)
    assert (again.status, again.delivered_at, again.updated_at) == (
        "delivered",
        delivered.delivered_at,
        delivered.updated_at,
    )


def test_a_failure_report_says_why_in_plain_words(app, sms, client):
    message_id = queue(app, phone="0712345406")  # the customer blocked us
    send_due(app)
    assert report(client, sms.messages()[0]["report"]).get_json() == {"outcome": "failed"}
    assert load(app, message_id).failure_reason == "blocked"


def test_forged_reports_are_refused_and_change_nothing(app, sms, client):
    message_id = queue(app)
    send_due(app)
    body = sms.messages()[0]["report"]
    assert_problem(report(client, body, secret="not-the-secret-at-all"), 404)
    assert_problem(report(client, {**body, "id": "ATXid_forged"}), 404)
    assert_problem(report(client, {**body, "status": "Teleported"}), 422, "status")
    assert load(app, message_id).status == "sent"


def test_a_send_whose_answer_was_lost_is_settled_by_its_report_not_sent_again(app, sms, client):
    """The worker died after the provider took the message: the report names the phone."""
    message_id = queue(app)
    with app.app_context():
        claimed = messages_sender._claim()  # what the dead worker did before calling the provider
        # ... and the provider took it, but the answer never reached our database.
        SmsClient(messages_sender.sms_settings()).send(claimed.phone, claimed.body)
    assert report(client, sms.messages()[0]["report"]).get_json() == {"outcome": "delivered"}
    with app.app_context():
        db.session.execute(sa.update(Message).values(sending_since=sa.func.now() - dt.timedelta(hours=1)))
        db.session.commit()
    assert send_due(app) == {"requeued": 0, "sent": 0, "failed": 0, "retry": 0, "unknown": 0}
    message = load(app, message_id)
    assert (message.status, message.cost) == ("delivered", Decimal("0.8000"))
    assert len(sms.messages()) == 1


def test_a_send_never_answered_nor_reported_is_sent_again_after_the_wait(app, sms):
    message_id = queue(app)
    with app.app_context():
        messages_sender._claim()  # the worker died before the provider took it
        db.session.execute(sa.update(Message).values(sending_since=sa.func.now() - dt.timedelta(hours=1)))
        db.session.commit()
    assert send_due(app)["requeued"] == 1
    assert (load(app, message_id).status, len(sms.messages())) == ("sent", 1)


def test_an_opted_out_customer_gets_nothing(app, sms, client, auth):
    queued_before = queue(app)  # queued, then the customer replies STOP before it went
    stop = client.post(f"{HOOK}/opt-out", data={"senderId": "AFRICASTKNG", "phoneNumber": "+254712345678"})
    assert stop.status_code == 200
    after = queue(app, key="later")
    assert send_due(app)["sent"] == 0
    assert sms.messages() == []
    assert {load(app, m).status for m in (queued_before, after)} == {"opted_out"}
    # The owner lets the number have messages again.
    assert client.delete("/api/payments/message-opt-outs/0712345678", headers=auth()).status_code == 204
    queue(app, key="again")
    assert send_due(app)["sent"] == 1


def test_the_owner_sees_messages_with_the_months_count_and_cost(app, sms, client, auth):
    for n in range(2):
        queue(app, key=f"m{n}")
    queue(app, phone="0712345403", key="bad")
    send_due(app)
    page = client.get("/api/payments/messages?business=laundry", headers=auth()).get_json()
    assert [i["status"] for i in page["items"]] == ["failed", "sent", "sent"]
    assert page["month"]["count"] == 2 and page["month"]["cost"] == "1.60"
    assert page["alerts"] == [{"business": "laundry", "low_stock": True, "daily_summary": True}]
    assert_problem(client.get("/api/payments/messages", headers=auth("staff")), 403)


def test_the_owner_turns_an_alert_off_and_stops_a_number(client, auth):
    changed = client.put(
        "/api/payments/businesses/water/message-alerts", json={"daily_summary": False}, headers=auth()
    )
    assert changed.get_json() == {"business": "water", "low_stock": True, "daily_summary": False}
    assert_problem(client.put("/api/payments/businesses/water/message-alerts", json={}, headers=auth()), 422)
    assert_problem(
        client.put("/api/payments/businesses/water/message-alerts", json={"low_stock": "no"}, headers=auth()),
        422,
    )
    stopped = client.put("/api/payments/message-opt-outs/0712 345 678", headers=auth())
    assert stopped.get_json()["phone"] == "254712345678"
    assert_problem(client.put("/api/payments/message-opt-outs/12345", headers=auth()), 422, "phone")
    assert_problem(client.delete("/api/payments/message-opt-outs/0711111111", headers=auth()), 404)
