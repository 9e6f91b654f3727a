"""Simulator settings: the dict given to create_app, else environment variables, else defaults."""

import os
from dataclasses import dataclass, replace

from simulators.delays import parse_delay

# The passkey Safaricom publishes for the sandbox shortcode 174379.
SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"

# A delay longer than this is a typo, not a scenario.

TEXT_KEYS = {
    "SIM_CONSUMER_KEY": "consumer_key",
    "SIM_CONSUMER_SECRET": "consumer_secret",
    "SIM_PASSKEY": "passkey",
}
DELAY_KEYS = {
    "SIM_CALLBACK_DELAY_SECONDS": "callback_delay",
    "SIM_PROCESSING_SECONDS": "processing_seconds",
    "SIM_LATE_CALLBACK_SECONDS": "late_callback_seconds",
}


@dataclass(frozen=True)
class Settings:
    """Credentials the simulator accepts and the delays it plays scenarios with."""

    consumer_key: str = "sim-key"
    consumer_secret: str = "sim-secret"
    passkey: str = SANDBOX_PASSKEY
    callback_delay: float = 1.0
    processing_seconds: float = 3.0
    late_callback_seconds: float = 40.0

    def delays(self) -> dict[str, float]:
        """The delays, keyed by their config names."""
        return {key: getattr(self, attr) for key, attr in DELAY_KEYS.items()}

    def with_delays(self, changes: dict[str, object]) -> "Settings":
        """A copy with the given delays changed; ValueError names the first bad one."""
        for key in changes:
            if key not in DELAY_KEYS:
                raise ValueError(f"unknown setting {key}")
        parsed = {DELAY_KEYS[key]: parse_delay(key, value) for key, value in changes.items()}
        return replace(self, **parsed)


def load_settings(config: dict[str, object] | None = None) -> Settings:
    """Settings from config, falling back to environment variables of the same names."""
    config = config or {}

    def lookup(key: str) -> object | None:
        return config[key] if key in config else os.environ.get(key)

    texts = {attr: str(lookup(key)) for key, attr in TEXT_KEYS.items() if lookup(key) is not None}
    delays = {key: lookup(key) for key in DELAY_KEYS if lookup(key) is not None}
    return Settings(**texts).with_delays(delays)
