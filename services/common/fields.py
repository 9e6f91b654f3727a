"""marshmallow fields for request bodies: exact decimals and safe text.

Money and quantities refuse extra decimal places instead of silently rounding them
away (a price of 10.005 is a typo to report, not a number to guess at), and text
refuses control characters such as NUL, which PostgreSQL cannot store.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

from marshmallow import fields, validate

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Delta cursors are bounded so converting one to UTC can never leave Python's datetime range.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class ExactDecimal(fields.Decimal):
    """A Decimal with at most `places` decimal places; more is a validation error."""

    default_error_messages = {
        "places": "Use at most {places} decimal places.",
        "too_large": "The number is too large.",
    }
    MAX_DIGITS = 18  # before the point; anything longer is no price or quantity

    def __init__(self, places: int, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)
        self.max_places = places

    def _validated(self, value: Any) -> decimal.Decimal:
        number = super()._validated(value)
        if number is None or not number.is_finite():
            return number
        # Read the digits exactly: normalize() would round extreme exponents under the context.
        _, digits, exponent = number.as_tuple()
        significant = "".join(map(str, digits)).rstrip("0")
        places = -(exponent + len(digits) - len(significant)) if significant else 0
        if places > self.max_places:
            raise self.make_error("places", places=self.max_places)
        if significant and number.adjusted() >= self.MAX_DIGITS:
            raise self.make_error("too_large")
        return number


def Money(**kwargs: Any) -> ExactDecimal:  # noqa: N802 - reads like a field class
    """KES with at most two decimal places."""
    return ExactDecimal(2, **kwargs)


def Quantity(**kwargs: Any) -> ExactDecimal:  # noqa: N802
    """A quantity with at most three decimal places (litres, kg, pieces)."""
    return ExactDecimal(3, **kwargs)


class PlainText(fields.String):
    """A stripped string without control characters."""

    default_error_messages = {"control": "Control characters are not allowed."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise self.make_error("control")
        return text


def ChangedSince(**kwargs: Any) -> fields.AwareDateTime:  # noqa: N802
    """`changed_since`: an `as_of` from an earlier answer, within 2000..9999 (else 422)."""
    return fields.AwareDateTime(
        validate=validate.Range(min=EARLIEST, max=LATEST),
        metadata={"description": "An `as_of` from an earlier answer: only rows changed since then."},
        **kwargs,
    )


def AsOf() -> fields.String:  # noqa: N802
    """`as_of` of a pollable answer (common.http.encode adds it to every one)."""
    return fields.String(
        metadata={
            "description": "When this answer was made (UTC, ISO-8601); send it back as changed_since for a delta."
        }
    )
