"""PostgreSQL down or restarting: a 503 problem+json with Retry-After, never a 500."""

from common.app_factory import create_service_app
from common.config import load_settings
from support.env import service_environment
from support.problems import assert_problem
from support.stack import free_port


def test_database_not_answering_is_503_with_retry_after(auth):
    from inventory.api import bp
    from inventory.models import db

    # A port nothing listens on: what every service sees while PostgreSQL restarts.
    env = {
        **service_environment(),
        "INVENTORY_DATABASE_URL": f"postgresql+psycopg://tomtin_inventory@127.0.0.1:{free_port()}/tomtin",
    }
    app = create_service_app(load_settings("inventory", env=env), db, [bp])
    client = app.test_client()
    reads = client.get("/api/inventory/businesses/water/products", headers=auth())
    writes = client.post(
        "/api/inventory/businesses/water/products",
        json={"sku": "R20", "name": "Refill", "unit": "refill", "price": "50.00", "track_stock": False},
        headers=auth(),
    )
    for response in (reads, writes):
        assert_problem(response, 503)
        assert response.headers["Retry-After"] == "5"
