"""Simulator settings: the dict given to create_app, else environment variables, else defaults.

The delivery-report and opt-out URLs stand for what an Africa's Talking account sets in its
dashboard (SMS > SMS Callback URLs): they are not sent with each message.
"""

import os
from dataclasses import dataclass, fields, replace

from simulators.delays import parse_delay

TEXT_KEYS = {
    "SIM_SMS_USERNAME": "username",
    "SIM_SMS_API_KEY": "api_key",
    "SIM_SMS_REPORT_URL": "report_url",
    "SIM_SMS_OPTOUT_URL": "optout_url",
}
DELAY_KEYS = {"SIM_SMS_REPORT_DELAY_SECONDS": "report_delay", "SIM_SMS_SLOW_SECONDS": "slow_seconds"}


@dataclass(frozen=True)
class Settings:
    username: str = "sandbox"
    api_key: str = "sim-sms-key"
    report_url: str = ""  # "" : delivery reports are not posted
    optout_url: str = ""
    report_delay: float = 1.0
    slow_seconds: float = 5.0
    rate: str = "0.8000"  # KES per part

    def view(self) -> dict[str, object]:
        shown = {key: getattr(self, attr) for key, attr in {**TEXT_KEYS, **DELAY_KEYS}.items()}
        shown.pop("SIM_SMS_API_KEY")
        return shown

    def changed(self, changes: dict[str, object]) -> "Settings":
        """A copy with the given settings changed; ValueError names the first bad one."""
        parsed: dict[str, object] = {}
        for key, value in changes.items():
            if key in DELAY_KEYS:
                parsed[DELAY_KEYS[key]] = parse_delay(key, value)
            elif key in ("SIM_SMS_REPORT_URL", "SIM_SMS_OPTOUT_URL"):
                if not isinstance(value, str) or (value and not value.startswith(("http://", "https://"))):
                    raise ValueError(f"{key} must be an http(s) URL or empty")
                parsed[TEXT_KEYS[key]] = value
            else:
                raise ValueError(f"unknown setting {key}")
        return replace(self, **parsed)


def load_settings(config: dict[str, object] | None = None) -> Settings:
    config = config or {}
    names = {f.name for f in fields(Settings)}
    values: dict[str, object] = {}
    for key, attr in {**TEXT_KEYS, **DELAY_KEYS}.items():
        value = config[key] if key in config else os.environ.get(key)
        if value is None or attr not in names:
            continue
        values[attr] = parse_delay(key, value) if key in DELAY_KEYS else str(value)
    return Settings(**values)
