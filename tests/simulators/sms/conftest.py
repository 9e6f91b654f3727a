"""Fixtures for the SMS simulator tests: a simulator app and a real HTTP receiver of form posts."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from flask import Flask

from simulators.sms import create_app

KEY = "test-sms-key"


class FormReceiver:
    """Records every form POST (path, fields), as our webhook would receive it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str]]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                fields = dict(parse_qsl(self.rfile.read(length).decode()))
                with receiver.changed:
                    receiver.received.append((self.path, fields))
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, str]]:
        def bodies() -> list[dict[str, str]]:
            return [body for got, body in self.received if got == path]

        with self.changed:
            self.changed.wait_for(lambda: len(bodies()) >= count, timeout)
            return bodies()


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Overrides the root conftest's per-test PostgreSQL/Redis wipe: the simulator uses neither."""


@pytest.fixture
def receiver() -> Iterator[FormReceiver]:
    running = FormReceiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def app(receiver: FormReceiver) -> Iterator[Flask]:
    app = create_app(
        {
            "SIM_SMS_API_KEY": KEY,
            "SIM_SMS_REPORT_URL": receiver.url("/reports"),
            "SIM_SMS_OPTOUT_URL": receiver.url("/opt-out"),
            "SIM_SMS_REPORT_DELAY_SECONDS": 0.05,
            "SIM_SMS_SLOW_SECONDS": 0.2,
        }
    )
    yield app
    app.test_client().post("/simulator/reset")


@pytest.fixture
def send(app: Flask):
    """POST the form send as Africa's Talking's SDKs do; returns the response."""

    def post(to: str, message: str = "Hello", key: str = KEY, username: str = "sandbox"):
        return app.test_client().post(
            "/version1/messaging",
            data={"username": username, "to": to, "message": message},
            headers={"apiKey": key, "Accept": "application/json"},
        )

    return post
