"""Money: Decimal KES with two places, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")
# The largest amount a sale, sale line or payment column (numeric(12,2)) holds.
MAX_AMOUNT = Decimal("9999999999.99")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to two places, half up (how a till rounds); refuses floats."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def is_cents(value: Decimal) -> bool:
    """A finite amount of whole cents that fits the money columns (0 < value <= MAX_AMOUNT)."""
    return value.is_finite() and 0 < value <= MAX_AMOUNT and value == value.quantize(CENTS)
