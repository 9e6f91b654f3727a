"""The SMS simulator in a thread on a free port, for payments' in-process message tests."""

from __future__ import annotations

import threading

import requests
from werkzeug.serving import make_server


class SmsSim:
    """The SMS simulator app served over real HTTP; its reports go nowhere unless told."""

    def __init__(self, config: dict | None = None) -> None:
        from simulators.sms import create_app

        self.app = create_app(
            {"SIM_SMS_API_KEY": "sim-sms-key", "SIM_SMS_SLOW_SECONDS": 0.5, **(config or {})}
        )
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def messages(self) -> list[dict]:
        return sim_messages(self.url)

    def reset(self) -> None:
        requests.post(f"{self.url}/simulator/reset", timeout=5).raise_for_status()

    def stop(self) -> None:
        self.server.shutdown()


def sim_messages(url: str, number: str | None = None) -> list[dict]:
    """What a simulator at `url` took (optionally only to `number`, stored form 2547...)."""
    found = requests.get(f"{url}/simulator/messages", timeout=5).json()["messages"]
    return [m for m in found if number is None or m["number"].lstrip("+") == number]
