"""How many SMS parts a text takes (SMS.md): GSM-7 160 / 153 per part, else UCS-2 70 / 67.

Shared by the SMS client (to estimate cost before sending) and the SMS simulator (to charge).
"""

from __future__ import annotations

# The GSM 03.38 basic character set, and its extension table whose characters count twice.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def sms_parts(text: str) -> int:
    """The number of parts `text` is sent as (at least 1)."""
    if is_gsm7(text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, per_part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, per_part = 70, 67
    if units <= single:
        return 1
    return -(-units // per_part)
