"""Text messages end to end: payments' worker sends through the SMS simulator, whose delivery
reports come back through the gateway; faults: a worker killed mid-send and a Redis restart."""

from __future__ import annotations

import contextlib
import signal
import time

import pytest
import requests
import sqlalchemy as sa

from payments.message_models import Message
from payments.models import db
from payments.services import messages
from support.env import SMS_WEBHOOK_SECRET
from support.servers import RedisServer
from support.sms import sim_messages

pytestmark = pytest.mark.e2e
READY = {"ticket": "L-9"}


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            found = condition()
            if found:
                return found
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture
def sms_url(stack):
    url = f"http://127.0.0.1:{stack.port('sms_sim')}"
    requests.post(f"{url}/simulator/reset", timeout=5).raise_for_status()
    requests.post(f"{url}/simulator/config", json={"SIM_SMS_REPORT_DELAY_SECONDS": 0.2}, timeout=5)
    yield url
    requests.post(f"{url}/simulator/reset", timeout=5)


def queue(app_for, phone: str, key: str) -> int:
    """What laundry's "mark ready" does: queue and commit (the 2 s sweep sends it)."""
    with app_for("payments").app_context():
        message = messages.queue_message("laundry", phone, "laundry_ready", READY, "en", key=key)
        db.session.commit()
        return message.id


def state(app_for, message_id: int) -> Message:
    with app_for("payments").app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def settled(app_for, message_id: int, status: str):
    return lambda: (m := state(app_for, message_id)).status == status and m


def test_outcomes_reports_and_forged_reports_through_the_gateway(stack, sms_url, app_for):
    ids = {
        ending: queue(app_for, f"0712345{ending}", f"e2e-{ending}") for ending in ("678", "910", "403", "406")
    }
    delivered = wait_for(settled(app_for, ids["678"], "delivered"), 30, "the message was not delivered")
    assert delivered.cost is not None and delivered.delivered_at is not None
    wait_for(settled(app_for, ids["403"], "failed"), 30, "the invalid number did not fail")
    blocked = wait_for(settled(app_for, ids["406"], "failed"), 30, "the rejected message did not fail")
    assert (state(app_for, ids["403"]).failure_reason, blocked.failure_reason) == (
        "invalid_number",
        "blocked",
    )
    # The same report three times: delivered once, nothing changed by the two copies.
    first = wait_for(settled(app_for, ids["910"], "delivered"), 30, "the message was not delivered")
    (copied,) = sim_messages(sms_url, "254712345910")
    wait_for(lambda: len(sim_messages(sms_url, "254712345910")[0]["deliveries"]) == 3, 30, "three reports")
    assert {d["status_code"] for d in sim_messages(sms_url, "254712345910")[0]["deliveries"]} == {200}
    again = state(app_for, ids["910"])
    assert (again.status, again.delivered_at, again.updated_at) == (
        "delivered",
        first.delivered_at,
        first.updated_at,
    )
    # Forged: a wrong secret, or an id we never sent; both refused, nothing changed.
    hooks = f"{stack.url}/hooks/sms"
    wrong = requests.post(f"{hooks}/not-the-secret-0000/delivery", data=copied["report"], timeout=5)
    unknown = requests.post(
        f"{hooks}/{SMS_WEBHOOK_SECRET}/delivery", data={**copied["report"], "id": "ATXid_forged"}, timeout=5
    )
    assert (wrong.status_code, unknown.status_code) == (404, 404)
    assert unknown.headers["Content-Type"].startswith("application/problem+json")
    assert state(app_for, ids["910"]).updated_at == first.updated_at


def test_a_customer_who_replied_stop_gets_nothing_more(stack, sms_url, app_for):
    """The STOP reply comes from the simulator through the gateway's hook, as from Africa's Talking."""
    stop = requests.post(f"{sms_url}/simulator/opt-out", json={"phoneNumber": "+254712345111"}, timeout=10)
    assert stop.json() == {"status_code": 200}
    quiet = queue(app_for, "0712 345 111", "e2e-stopped")
    control = queue(app_for, "0712345112", "e2e-control")
    wait_for(settled(app_for, control, "delivered"), 30, "the control message was not delivered")
    assert (state(app_for, quiet).status, sim_messages(sms_url, "254712345111")) == ("opted_out", [])


@pytest.fixture
def private_redis(stack, tmp_path):
    """The stack's worker and scheduler moved to a Redis of their own, which the test may restart."""
    server = RedisServer(tmp_path).start()
    shared = {name: stack.env[name] for name in ("REDIS_QUEUE_URL", "REDIS_CACHE_URL")}
    for name in ("worker", "scheduler"):
        stack.stop_process(name)
    stack.env.update(REDIS_QUEUE_URL=server.url(0), REDIS_CACHE_URL=server.url(1))
    for name in ("worker", "scheduler"):
        stack.start_process(name)
    yield server
    for name in ("worker", "scheduler"):
        stack.stop_process(name)
    stack.env.update(shared)
    for name in ("worker", "scheduler"):
        stack.start_process(name)
    server.stop()


def test_a_message_survives_a_killed_worker_and_a_redis_restart_and_is_sent_once(
    stack, sms_url, app_for, private_redis
):
    slow = queue(app_for, "0712345950", "e2e-slow")  # the simulator takes it, then answers late
    wait_for(lambda: sim_messages(sms_url, "254712345950"), 30, "the worker did not send")
    stack.stop_process("worker", signal.SIGKILL)  # dies before the answer came: nothing recorded
    private_redis.restart(down_for=2)  # every queued job and the scheduler's lock are gone
    stack.start_process("worker")
    # The provider's delivery report names the lost send: it is delivered, not sent again ...
    wait_for(settled(app_for, slow, "delivered"), 60, "the lost send was not settled")
    # ... even after the wait for lost sends is over: a message queued then and sent proves a
    # sweep (which first re-queues lost sends) ran after it.
    past = state(app_for, slow).created_at.timestamp() + float(stack.env["SMS_UNCERTAIN_WAIT_SECONDS"]) + 1
    wait_for(lambda: _database_now(app_for) > past, 30, "the wait for lost sends did not pass")
    later = queue(app_for, "0712345678", "e2e-after")
    wait_for(settled(app_for, later, "delivered"), 60, "a later message was not delivered")
    (sent,) = sim_messages(sms_url, "254712345950")
    final = state(app_for, slow)
    assert (final.status, final.attempts, final.provider_id) == ("delivered", 1, sent["message_id"])


def _database_now(app_for) -> float:
    with app_for("payments").app_context():
        return db.session.scalar(sa.select(sa.func.now())).timestamp()
