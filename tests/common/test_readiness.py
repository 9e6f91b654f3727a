"""/readyz: not ready while the scheduler's heartbeat is missing (it goes with a Redis restart)."""

import datetime as dt
import os

from redis import Redis

from common.health import HEARTBEAT_KEY


def test_missing_heartbeat_is_not_ready_until_the_scheduler_writes_it(app_for):
    client = app_for("inventory").test_client()
    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.get_json()["checks"]["scheduler"] == "missing"

    Redis.from_url(os.environ["REDIS_QUEUE_URL"]).set(HEARTBEAT_KEY, dt.datetime.now(dt.UTC).isoformat())
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {
        "postgres": "ok",
        "redis_queue": "ok",
        "redis_cache": "ok",
        "scheduler": "ok",
    }


def test_stale_heartbeat_is_not_ready(app_for):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    Redis.from_url(os.environ["REDIS_QUEUE_URL"]).set(HEARTBEAT_KEY, long_ago.isoformat())
    response = app_for("inventory").test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["scheduler"] == "stale"
