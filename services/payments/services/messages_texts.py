"""The words of each kind of message, in English and Swahili (chosen by the customer's language).

Short on purpose: one SMS part (160 GSM-7 characters) costs one rate; every text here stays in
plain GSM-7 (no curly quotes or emoji, which would make it UCS-2 at 70 characters a part).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from common.errors import InvalidInput

TEXTS: dict[str, dict[str, str]] = {
    "receipt": {
        "en": "{business_name}: receipt for KES {total}. Thank you! {link}",
        "sw": "{business_name}: risiti ya KES {total}. Asante! {link}",
    },
    "laundry_ready": {
        "en": "{business_name}: your laundry (ticket {ticket}) is ready for collection.",
        "sw": "{business_name}: nguo zako (tiketi {ticket}) ziko tayari kuchukuliwa.",
    },
    "payment_reminder": {
        "en": "{business_name}: a friendly reminder that your balance is KES {balance}. Thank you.",
        "sw": "{business_name}: tunakukumbusha kwa heshima kuwa deni lako ni KES {balance}. Asante.",
    },
    "low_stock": {
        "en": "{business_name}: {product} is running low, {stock} left (reorder level {reorder_level}).",
        "sw": "{business_name}: {product} kinakaribia kuisha, zimebaki {stock} (kiwango cha kuagiza {reorder_level}).",
    },
    "daily_summary": {
        "en": "{business_name} {day}: {sales_count} sales, KES {sales_total}.",
        "sw": "{business_name} {day}: mauzo {sales_count}, KES {sales_total}.",
    },
}
KINDS = tuple(TEXTS)
MAX_PARAM = 120  # a receipt link is the longest value


def required_params(kind: str) -> set[str]:
    """The names a kind's texts use (both languages use the same ones)."""
    return {name for _, name, _, _ in string.Formatter().parse(TEXTS[kind]["en"]) if name}


def render(kind: str, language: str, params: Mapping[str, object]) -> str:
    """The message text; InvalidInput names what is missing or too long."""
    if kind not in TEXTS:
        raise InvalidInput(
            f"Unknown message kind {kind!r}.", {"kind": [f"must be one of {', '.join(KINDS)}"]}
        )
    if language not in ("en", "sw"):
        raise InvalidInput("A message is in English or Swahili.", {"language": ["must be en or sw"]})
    values = {name: str(value).strip() for name, value in params.items()}
    missing = sorted(name for name in required_params(kind) if not values.get(name))
    if missing:
        raise InvalidInput(
            f"A {kind} message needs {', '.join(missing)}.", {name: ["is required"] for name in missing}
        )
    too_long = sorted(name for name, value in values.items() if len(value) > MAX_PARAM)
    if too_long:
        raise InvalidInput(
            "A message value is too long.", {name: [f"at most {MAX_PARAM} characters"] for name in too_long}
        )
    return TEXTS[kind][language].format_map(values)
