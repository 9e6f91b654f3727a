"""Shared helpers: money, business days, ETags."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from common.http import encode
from common.money import to_money
from common.timeutil import business_day, day_bounds

pytestmark = pytest.mark.unit


def test_money_rounds_half_up_and_refuses_floats():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money(Decimal("0.005")) == Decimal("0.01")
    with pytest.raises(TypeError):
        to_money(0.1)


def test_business_day_is_nairobi_not_utc():
    # 21:30 UTC on the 24th is 00:30 on the 25th in Nairobi (UTC+3).
    assert business_day(dt.datetime(2026, 11, 24, 21, 30, tzinfo=dt.UTC)) == dt.date(2026, 11, 25)
    assert business_day(dt.datetime(2026, 11, 24, 20, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 24)
    with pytest.raises(ValueError):
        business_day(dt.datetime(2026, 11, 24, 12, 0))


def test_day_bounds_are_utc_midnight_nairobi():
    start, end = day_bounds(dt.date(2026, 11, 25))
    assert start == dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 25, 21, 0, tzinfo=dt.UTC)


def test_etag_ignores_as_of_but_follows_data():
    # as_of values a month apart, so the ETags cannot be equal by two calls sharing a timestamp.
    body1, etag1 = encode({"items": [1, 2], "as_of": "2026-10-01T08:00:00.000000+00:00"})
    body2, etag2 = encode({"items": [1, 2], "as_of": "2026-11-01T08:00:00.000000+00:00"})
    _, etag3 = encode({"items": [1, 3], "as_of": "2026-10-01T08:00:00.000000+00:00"})
    assert body1 != body2 and etag1 == etag2
    assert etag1 != etag3
    assert b'"as_of"' in body1 and etag1.startswith('"')
    fresh, _ = encode({"items": [1, 2]})
    assert b'"as_of"' in fresh  # a payload without one gets the time of encoding


@pytest.mark.parametrize(
    "payload",
    [{"items": [{"b": "1.50", "a": None}], "as_of": "2026-10-01T08:00:00.000Z"}, {"as_of": "x"}, {"n": 0}],
)
def test_the_body_is_the_payload_with_its_as_of(payload):
    body, _ = encode(payload)
    decoded = json.loads(body)
    as_of = decoded.pop("as_of")
    assert as_of == payload["as_of"] if "as_of" in payload else as_of.endswith("Z")
    assert decoded == {key: value for key, value in payload.items() if key != "as_of"}
