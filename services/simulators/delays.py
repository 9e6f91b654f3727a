"""The simulators' delay settings: how long a simulator waits before it answers or calls back."""

import math

MAX_DELAY_SECONDS = 3600.0


def parse_delay(key: str, value: object) -> float:
    """A delay in seconds from a number or numeric string, within 0..MAX_DELAY_SECONDS."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be a number of seconds")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{key} must be a number of seconds") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_DELAY_SECONDS:
        raise ValueError(f"{key} must be between 0 and {MAX_DELAY_SECONDS:g} seconds")
    return seconds
