"""The simulator's memory: every message it accepted or refused, under one lock.

One process only (gunicorn -w 1 --threads 8): request threads and report timer threads share it.
"""

import threading
from dataclasses import asdict, dataclass, field

from simulators.sms.config import Settings

STORE_KEY = "sms_sim"


@dataclass(frozen=True)
class Delivery:
    """One attempt to POST a delivery report or an opt-out."""

    kind: str
    url: str
    attempt: int
    status_code: int | None = None
    error: str | None = None


@dataclass
class Message:
    """One recipient of one send request, as the simulator answered it."""

    message_id: str  # "None" for a refused recipient, as Africa's Talking writes it
    number: str
    text: str
    sender: str
    status_code: int
    status: str
    cost: str
    parts: int
    scenario: str
    report: dict[str, str] | None = None
    deliveries: list[Delivery] = field(default_factory=list)

    def view(self) -> dict[str, object]:
        return {**asdict(self), "accepted": self.status_code in (100, 101, 102)}


class Store:
    def __init__(self, settings: Settings) -> None:
        self.startup = settings
        self.settings = settings
        self.lock = threading.Lock()
        self.messages: list[Message] = []
        self.sends_by_number: dict[str, int] = {}
        self.timers: list[threading.Timer] = []

    def count_send(self, number: str) -> int:
        """How many sends to `number` came before this one."""
        with self.lock:
            seen = self.sends_by_number.get(number, 0)
            self.sends_by_number[number] = seen + 1
            return seen

    def add(self, message: Message) -> None:
        with self.lock:
            self.messages.append(message)

    def record(self, message: Message, delivery: Delivery) -> None:
        with self.lock:
            message.deliveries.append(delivery)

    def views(self) -> list[dict[str, object]]:
        with self.lock:
            return [message.view() for message in self.messages]

    def track(self, timer: threading.Timer) -> None:
        with self.lock:
            self.timers = [t for t in self.timers if t.is_alive()]
            self.timers.append(timer)

    def reset(self) -> None:
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers, self.messages, self.sends_by_number = [], [], {}
            self.settings = self.startup
