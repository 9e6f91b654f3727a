"""payments fixtures: priced products in inventory, a payments client, and sale/callback helpers."""

from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from payments.models import MpesaPayment, OutboxEvent, Sale
from payments.models import db as payments_db
from support.env import MPESA_WEBHOOK_SECRET
from support.mpesa_data import stk_body  # noqa: F401 - the payments tests take it from here
from support.products import product_with_stock

PRODUCTS = (
    ("water", "R20", "Refill 20 L", "50.00", False, "0"),
    ("water", "B20", "Bottle 20 L", "450.00", True, "24"),
    ("laundry", "WKG", "Wash per kg", "120.00", False, "0"),
    ("retail", "SUG", "Sugar 1 kg", "180.00", True, "40"),
)
HOOK = f"/hooks/mpesa/{MPESA_WEBHOOK_SECRET}"


@pytest.fixture
def products(app_for) -> dict[str, int]:
    """SKU -> product id for a few products in each business."""
    return {
        sku: product_with_stock(b, name, price, level, sku=sku, tracked=tracked).id
        for b, sku, name, price, tracked, level in PRODUCTS
    }


@pytest.fixture
def app(app_for):
    return app_for("payments")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def post_sale(client, auth):
    """POST a sale; returns the response."""

    def post(business="water", lines=None, method="cash", key=None, headers=None, **extra):
        body = {"method": method, "lines": lines or [], **extra}
        return client.post(
            f"/api/payments/businesses/{business}/sales",
            json=body,
            headers={**auth(), "Idempotency-Key": str(key or uuid.uuid4()), **(headers or {})},
        )

    return post


@pytest.fixture
def pending_payment(app, products):
    """Make an M-Pesa sale with a PENDING push as if Daraja had accepted it (no network)."""

    def make(quantity: str = "2", checkout: str | None = None) -> tuple[int, int, str]:
        with app.app_context():
            sale = Sale(
                idempotency_key=uuid.uuid4(),
                business="water",
                method="mpesa",
                status="pending",
                total=Decimal(quantity) * Decimal("450.00"),
            )
            from payments.models import SaleLine

            sale.lines.append(
                SaleLine(
                    product_id=products["B20"],
                    name="Bottle 20 L",
                    quantity=Decimal(quantity),
                    unit_price=Decimal("450.00"),
                    line_total=Decimal(quantity) * Decimal("450.00"),
                )
            )
            checkout = checkout or f"ws_CO_{uuid.uuid4().hex[:20]}"
            payment = MpesaPayment(
                sale=sale,
                business="water",
                kind="stk",
                status="pending",
                amount=sale.total,
                phone="254712345678",
                checkout_request_id=checkout,
                merchant_request_id="m-1",
            )
            payments_db.session.add_all([sale, payment])
            payments_db.session.commit()
            return sale.id, payment.id, checkout

    return make


def post_callback(client, body, secret_path: str = HOOK):
    return client.post(f"{secret_path}/stk", data=json.dumps(body), content_type="application/json")


class Sim:
    """The Daraja simulator app served over real HTTP on a free port, in a thread."""

    def __init__(self, config: dict) -> None:
        from simulators.daraja import create_app

        self.app = create_app(config)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def sim():
    running = Sim(
        {
            "SIM_CONSUMER_KEY": "sim-key",
            "SIM_CONSUMER_SECRET": "sim-secret",
            # Unit tests post their own callbacks; the simulator's would only hit a closed port.
            "SIM_CALLBACK_DELAY_SECONDS": 600,
            "SIM_PROCESSING_SECONDS": 0.3,
            "SIM_LATE_CALLBACK_SECONDS": 0.6,
        }
    )
    yield running
    running.stop()


@pytest.fixture
def daraja(app, sim):
    """Point payments at the threaded simulator (its callbacks are due only after the test)."""
    import dataclasses

    ext = app.extensions["tomtin"]
    original = ext["mpesa"]
    ext["mpesa"] = dataclasses.replace(original, base_url=sim.url, callback_base_url="http://127.0.0.1:9")
    sim.app.test_client().post("/simulator/reset")
    yield sim
    ext["mpesa"] = original


def outbox_rows() -> list[OutboxEvent]:
    """Every outbox row, oldest first, read afresh."""
    payments_db.session.expire_all()
    return payments_db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id)).all()
