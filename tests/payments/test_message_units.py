"""Pure pieces of text messages: SMS parts, the provider's cost text, the words of each kind."""

from decimal import Decimal

import pytest

from common.sms_length import sms_parts
from payments.services.messages_texts import KINDS, TEXTS, render, required_params
from payments.sms import parse_cost

pytestmark = pytest.mark.unit


def test_parts_follow_gsm7_and_ucs2_limits():
    assert [sms_parts("a" * n) for n in (1, 160, 161, 306, 307)] == [1, 1, 2, 2, 3]
    assert sms_parts("{" * 80) == 1 and sms_parts("{" * 81) == 2  # extension characters count twice
    assert [sms_parts("é" * 70), sms_parts("ā" * 70), sms_parts("ā" * 71)] == [1, 1, 2]


def test_the_providers_cost_text_is_read_as_decimal():
    assert parse_cost("KES 0.8000") == Decimal("0.8000")
    assert [parse_cost(v) for v in ("0", "", None, "KES x")] == [None, None, None, None]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_both_languages_with_the_same_values_in_one_gsm7_part(kind):
    assert set(TEXTS[kind]) == {"en", "sw"}
    params = {name: "x" * 12 for name in required_params(kind)}
    for language in ("en", "sw"):
        text = render(kind, language, params)
        assert sms_parts(text) == 1, text
    sw_names = {name for _, name, _, _ in __import__("string").Formatter().parse(TEXTS[kind]["sw"]) if name}
    assert sw_names == required_params(kind)
