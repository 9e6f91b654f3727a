"""Kenyan mobile numbers: one normaliser for every service (07…, 01…, +254…, 254… → 2547/2541…)."""

from __future__ import annotations

import re

# After removing spaces and dashes: an optional +254 / 254 / 0 prefix, then 7XXXXXXXX or 1XXXXXXXX.
_PHONE = re.compile(r"(?:\+?254|0)([17]\d{8})")
_SEPARATORS = re.compile(r"[\s-]")


class InvalidPhone(ValueError):
    """The text is not a Kenyan mobile number in a format we accept."""


def normalise_phone(raw: str) -> str:
    """Return `2547XXXXXXXX` / `2541XXXXXXXX`; raise InvalidPhone for anything else."""
    if not isinstance(raw, str):
        raise InvalidPhone("A phone number must be text.")
    match = _PHONE.fullmatch(_SEPARATORS.sub("", raw.strip()))
    if match is None:
        raise InvalidPhone(
            f"{raw!r} is not a Kenyan mobile number; use 07XXXXXXXX, 01XXXXXXXX, +2547XXXXXXXX or 2547XXXXXXXX."
        )
    return "254" + match.group(1)
