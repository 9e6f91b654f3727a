"""The simulator's memory: tokens, pushes, C2B registrations and payments, under one lock.

The simulator runs as ONE process (gunicorn -w 1 --threads 8): request threads and callback
timer threads share this store, so every read and write goes through the lock. Several worker
processes would each hold their own store and answer inconsistently (a token issued by one
would be unknown to another), so never run it with more than one worker.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from simulators.daraja.config import Settings
from simulators.daraja.outcomes import Outcome
from simulators.daraja.validation import Registration

STORE_KEY = "daraja_sim"


@dataclass(frozen=True)
class Delivery:
    """One attempt to POST a callback."""

    kind: str
    url: str
    attempt: int
    at: str
    status_code: int | None = None
    error: str | None = None


@dataclass
class Push:
    """An accepted STK push and what the simulator will do with it."""

    checkout_request_id: str
    merchant_request_id: str
    shortcode: str
    phone: str
    amount: int
    account_reference: str
    callback_url: str
    outcome: Outcome
    decided_at: float | None  # time.monotonic() of the final query answer; None: never
    receipt: str | None
    callback: dict[str, object] | None  # the body to post; None: no callback ever
    deliveries: list[Delivery] = field(default_factory=list)

    def is_decided(self, now: float) -> bool:
        """Whether the STK query gives a final answer at monotonic time now."""
        return self.decided_at is not None and now >= self.decided_at

    def to_dict(self, now: float) -> dict[str, object]:
        """A JSON-ready view for test assertions."""
        decided = self.is_decided(now)
        return {
            "checkout_request_id": self.checkout_request_id,
            "merchant_request_id": self.merchant_request_id,
            "shortcode": self.shortcode,
            "phone": self.phone,
            "amount": self.amount,
            "account_reference": self.account_reference,
            "callback_url": self.callback_url,
            "scenario": self.outcome.description,
            "status": _status(decided, self.outcome.result_code),
            "result_code": self.outcome.result_code if decided else None,
            "receipt": self.receipt,
            "callback": self.callback,
            "callbacks_planned": self.outcome.deliveries if self.callback else 0,
            "deliveries": [asdict(delivery) for delivery in self.deliveries],
        }


def _status(decided: bool, result_code: int) -> str:
    if not decided:
        return "processing"
    return "success" if result_code == 0 else "failed"


@dataclass
class Payment:
    """A simulated C2B payment and its notifications."""

    trans_id: str
    shortcode: str
    amount: int
    msisdn: str
    body: dict[str, object]  # the validation body; confirmation adds the balance
    status: str = "pending"  # then "confirmed" or "rejected"
    deliveries: list[Delivery] = field(default_factory=list)


class Store:
    """Everything the simulator remembers, guarded by one lock."""

    def __init__(self, settings: Settings) -> None:
        self.lock = threading.RLock()
        self.startup_settings = settings
        self.settings = settings
        self.token: str | None = None
        self.token_expires_at = 0.0
        self.pushes: dict[str, Push] = {}
        self.registrations: dict[str, Registration] = {}
        # Shortcodes whose owner asked Safaricom for external validation (off by default).
        self.validating: set[str] = set()
        self.payments: list[Payment] = []
        self.balances: dict[str, int] = {}
        # B2C payments and reversals (money_back.Transfer) by OriginatorConversationID.
        self.transfers: dict[str, Any] = {}
        self.taken_ids: set[str] = set()
        self.timers: list[threading.Timer] = []

    def issue_token(self, make: Callable[[], str], lifetime: float) -> str:
        """A new token; the previous one stops working, as the real API may do."""
        with self.lock:
            self.token = make()
            self.token_expires_at = time.monotonic() + lifetime
            return self.token

    def token_is_valid(self, token: str) -> bool:
        """Whether token is the current, unexpired one."""
        with self.lock:
            current = self.token is not None and token == self.token
            return current and time.monotonic() < self.token_expires_at

    def expire_tokens(self) -> None:
        """Make every issued token invalid."""
        with self.lock:
            self.token = None

    def claim_id(self, make: Callable[[], str]) -> str:
        """A value from make() never handed out before (receipts, TransIDs, request ids)."""
        with self.lock:
            value = make()
            while value in self.taken_ids:
                value = make()
            self.taken_ids.add(value)
            return value

    def add_push(self, push: Push) -> None:
        """Remember an accepted push."""
        with self.lock:
            self.pushes[push.checkout_request_id] = push

    def find_push(self, checkout_request_id: str) -> Push | None:
        """The push with this CheckoutRequestID, if any."""
        with self.lock:
            return self.pushes.get(checkout_request_id)

    def push_views(self) -> list[dict[str, object]]:
        """All pushes, oldest first, as JSON-ready dicts."""
        now = time.monotonic()
        with self.lock:
            return [push.to_dict(now) for push in self.pushes.values()]

    def register(self, registration: Registration) -> None:
        """Remember C2B URLs, replacing earlier ones for the shortcode (as the sandbox does)."""
        with self.lock:
            self.registrations[registration.shortcode] = registration

    def registration_for(self, shortcode: str) -> Registration | None:
        """The C2B URLs registered for shortcode, if any."""
        with self.lock:
            return self.registrations.get(shortcode)

    def set_external_validation(self, shortcode: str, enabled: bool) -> None:
        """Turn the validation call on or off for a shortcode (Safaricom does it on request)."""
        with self.lock:
            (self.validating.add if enabled else self.validating.discard)(shortcode)

    def validates(self, shortcode: str) -> bool:
        """Whether C2B payments to shortcode are sent to its ValidationURL first."""
        with self.lock:
            return shortcode in self.validating

    def add_transfer(self, transfer: Any) -> bool:
        """Remember a B2C payment or reversal; False if its OriginatorConversationID was used."""
        with self.lock:
            if transfer.originator_conversation_id in self.transfers:
                return False
            self.transfers[transfer.originator_conversation_id] = transfer
            return True

    def find_transfer(self, receipt: str, originator: str) -> Any:
        """The transfer with this receipt or OriginatorConversationID, if any."""
        with self.lock:
            if originator in self.transfers:
                return self.transfers[originator]
            return next((t for t in self.transfers.values() if receipt and t.receipt == receipt), None)

    def add_payment(self, payment: Payment) -> None:
        """Remember a simulated C2B payment."""
        with self.lock:
            self.payments.append(payment)

    def set_payment_status(self, payment: Payment, status: str) -> None:
        """Record how a C2B payment ended."""
        with self.lock:
            payment.status = status

    def credit(self, shortcode: str, amount: int) -> int:
        """Add a payment to the shortcode's balance and return the new balance."""
        with self.lock:
            self.balances[shortcode] = self.balances.get(shortcode, 0) + amount
            return self.balances[shortcode]

    def c2b_view(self) -> dict[str, object]:
        """Registrations and payments as JSON-ready dicts."""
        with self.lock:
            return {
                "registrations": [
                    {**asdict(reg), "external_validation": reg.shortcode in self.validating}
                    for reg in self.registrations.values()
                ],
                "payments": [asdict(payment) for payment in self.payments],
            }

    def record(self, target: Any, delivery: Delivery) -> None:
        """Note a callback attempt on the push or payment it belongs to."""
        with self.lock:
            target.deliveries.append(delivery)

    def track(self, timer: threading.Timer) -> None:
        """Keep a pending callback timer so that reset() can cancel it."""
        with self.lock:
            self.timers = [t for t in self.timers if not t.finished.is_set()]
            self.timers.append(timer)

    def update_delays(self, changes: dict[str, object]) -> Settings:
        """Change delays for pushes made from now on; ValueError if a change is invalid."""
        with self.lock:
            self.settings = self.settings.with_delays(changes)
            return self.settings

    def reset(self) -> None:
        """Forget pushes and C2B data, cancel callbacks not yet started, restore startup delays.

        Issued ids stay taken so receipts remain unique for a database that outlives a reset.
        Tokens survive so that a client's cached token keeps working across test resets;
        use expire_tokens() to test token refresh.
        """
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers = []
            self.settings = self.startup_settings
            self.pushes.clear()
            self.registrations.clear()
            self.validating.clear()
            self.payments.clear()
            self.balances.clear()
            self.transfers.clear()
