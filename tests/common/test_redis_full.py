"""With the cache filled to Redis's limit (noeviction), queued jobs survive and services answer."""

import datetime as dt

import pytest
from redis import Redis
from rq import Queue

from common.app_factory import create_service_app
from common.config import load_settings
from common.health import HEARTBEAT_KEY
from common.heartbeat import heartbeat
from support.env import service_environment
from support.products import product_with_stock
from support.servers import RedisServer, fill_until_refused


@pytest.fixture
def small_redis(tmp_path):
    server = RedisServer(tmp_path, maxmemory="4mb").start()
    yield server.port
    server.stop()


def test_full_cache_keeps_jobs_and_services_answer(small_redis, auth, app_for):
    product_with_stock("water", "Refill", "50.00", sku="R20", unit="refill", tracked=False)

    queue_conn = Redis(port=small_redis, db=0)
    # The scheduler's heartbeat job ran before the cache filled up (readiness needs it).
    queue_conn.set(HEARTBEAT_KEY, dt.datetime.now(dt.UTC).isoformat())
    queue = Queue("default", connection=queue_conn)
    for _ in range(5):
        queue.enqueue(heartbeat)
    assert fill_until_refused(Redis(port=small_redis, db=1)) > 0

    assert queue.count == 5  # nothing evicted, in any DB
    env = {
        **service_environment(),
        "REDIS_QUEUE_URL": f"redis://127.0.0.1:{small_redis}/0",
        "REDIS_CACHE_URL": f"redis://127.0.0.1:{small_redis}/1",
    }
    from inventory.api import bp
    from inventory.models import db

    app = create_service_app(load_settings("inventory", env=env), db, [bp])
    client = app.test_client()
    for _ in range(2):  # a cache write that is refused degrades to a miss, not an error
        response = client.get("/api/inventory/businesses/water/products", headers=auth())
        assert response.status_code == 200
        assert response.get_json()["items"][0]["sku"] == "R20"
    assert client.get("/readyz").status_code == 200
