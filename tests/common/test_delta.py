"""The delta cursor's text form: UTC, milliseconds, rounded down so no change is skipped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from common.delta import iso

pytestmark = pytest.mark.unit


def test_the_cursor_is_utc_with_a_z():
    nairobi = dt.datetime(2026, 3, 1, 3, 0, tzinfo=ZoneInfo("Africa/Nairobi"))
    assert iso(nairobi) == "2026-03-01T00:00:00.000Z"


def test_the_cursor_rounds_down_to_the_millisecond():
    # Rounding up could step past a change stamped in the same millisecond.
    at = dt.datetime(2026, 3, 1, 12, 0, 0, 999_999, tzinfo=dt.UTC)
    assert iso(at) == "2026-03-01T12:00:00.999Z"
