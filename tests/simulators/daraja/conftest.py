"""Fixtures for the Daraja simulator tests: a simulator app and a real HTTP callback receiver."""

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulators.daraja import create_app

TEST_CONFIG = {
    "SIM_PASSKEY": "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
    "SIM_CONSUMER_KEY": "test-key",
    "SIM_CONSUMER_SECRET": "test-secret",
    "SIM_CALLBACK_DELAY_SECONDS": 0.05,
    "SIM_PROCESSING_SECONDS": 0.3,
    "SIM_LATE_CALLBACK_SECONDS": 0.8,
}


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every JSON POST, like our webhooks would."""

    def __init__(self) -> None:
        self.received: list[tuple[str, object]] = []
        self.replies: dict[str, dict[str, object]] = {}
        self.changed = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        """The absolute URL of path on this receiver."""
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def add(self, path: str, body: object) -> None:
        """Record a request and wake up waiters."""
        with self.changed:
            self.received.append((path, body))
            self.changed.notify_all()

    def bodies(self, path: str) -> list[object]:
        """Bodies received so far at path."""
        with self.changed:
            return [body for got, body in self.received if got == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> list[object]:
        """Bodies at path once there are count of them, or whatever came within timeout."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.bodies(path)) >= count, timeout)
            return self.bodies(path)


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            receiver.add(self.path, json.loads(self.rfile.read(length)))
            reply = receiver.replies.get(self.path, {"ResultCode": "0", "ResultDesc": "Accepted"})
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    return Handler


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Overrides the root conftest's per-test PostgreSQL/Redis wipe: the simulator uses neither."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running callback receiver, shut down after the test."""
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def app() -> Iterator[Flask]:
    """A simulator with short delays; reset afterwards so no timer outlives the test."""
    app = create_app(dict(TEST_CONFIG))
    app.testing = True
    yield app
    app.test_client().post("/simulator/reset")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the simulator."""
    return app.test_client()


def basic_auth(key: str, secret: str) -> dict[str, str]:
    """An HTTP Basic Authorization header."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


@pytest.fixture
def new_token(client: FlaskClient) -> Callable[[], str]:
    """A function that asks the simulator for a fresh access token."""

    def fetch() -> str:
        key, secret = TEST_CONFIG["SIM_CONSUMER_KEY"], TEST_CONFIG["SIM_CONSUMER_SECRET"]
        url = "/oauth/v1/generate?grant_type=client_credentials"
        return client.get(url, headers=basic_auth(str(key), str(secret))).json["access_token"]

    return fetch


@pytest.fixture
def auth(new_token: Callable[[], str]) -> dict[str, str]:
    """A Bearer Authorization header with a valid token."""
    return {"Authorization": f"Bearer {new_token()}"}
