"""Money: Decimal KES with two places, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to two places, half up (how a till rounds); refuses floats."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)
