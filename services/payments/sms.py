"""The Africa's Talking SMS client: the form send and the delivery report's fields (SMS.md).

Knows the wire format only; what an answer means for a message is decided in
services/messages_sender.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests

from .config import SmsSettings

log = logging.getLogger("tomtin.sms")
ACCEPTED_CODES = (100, 101, 102)  # Processed, Sent, Queued
# Worth another try later: the provider's own trouble, not the message's.
TRANSIENT_CODES = (500, 501)


class SmsUnavailable(Exception):
    """No usable answer: the request may or may not have been taken (`uncertain`)."""

    def __init__(self, message: str, uncertain: bool) -> None:
        super().__init__(message)
        self.uncertain = uncertain


@dataclass(frozen=True)
class SendAnswer:
    """One recipient's row of the send answer."""

    status_code: int
    status: str
    message_id: str | None  # None when refused ("None" on the wire)
    cost: Decimal | None

    @property
    def accepted(self) -> bool:
        return self.status_code in ACCEPTED_CODES


def to_e164(phone: str) -> str:
    """Our stored `2547XXXXXXXX` as Africa's Talking wants it: `+2547XXXXXXXX`."""
    return f"+{phone}"


def from_e164(number: str) -> str:
    return number.strip().lstrip("+")


def parse_cost(text: object) -> Decimal | None:
    """ "KES 0.8000" → Decimal("0.8000"); "0" or anything unreadable → None."""
    if not isinstance(text, str):
        return None
    try:
        amount = Decimal(text.split()[-1]) if text.strip() else None
    except (InvalidOperation, IndexError):
        return None
    return amount if amount else None


class SmsClient:
    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    def send(self, phone: str, text: str) -> SendAnswer:
        """Send `text` to one normalised phone; raise SmsUnavailable when no row came back."""
        form = {"username": self.settings.username, "to": to_e164(phone), "message": text}
        if self.settings.sender_id:
            form["from"] = self.settings.sender_id
        try:
            response = requests.post(
                f"{self.settings.base_url}/version1/messaging",
                data=form,
                headers={"apiKey": self.settings.api_key, "Accept": "application/json"},
                timeout=self.settings.timeout_seconds,
            )
        except requests.ConnectionError as exc:
            # Refused before anything was sent (connect failed) cannot have been taken; a
            # connection dropped mid-answer might have been.
            uncertain = not isinstance(exc, requests.ConnectTimeout) and "refused" not in str(exc).lower()
            raise SmsUnavailable(
                f"the text-message service could not be reached: {type(exc).__name__}", uncertain
            ) from exc
        except requests.Timeout as exc:
            raise SmsUnavailable("the text-message service did not answer in time", True) from exc
        except requests.RequestException as exc:
            raise SmsUnavailable(f"the text-message request failed: {type(exc).__name__}", True) from exc
        if response.status_code == 401:
            raise SmsUnavailable("the text-message service refused our API key (SMS_API_KEY)", False)
        if response.status_code != 201:
            raise SmsUnavailable(f"the text-message service answered HTTP {response.status_code}", False)
        try:
            row = response.json()["SMSMessageData"]["Recipients"][0]
            code = int(row["statusCode"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            # 201 means it was taken, but we cannot read what happened: do not send it again blind.
            raise SmsUnavailable("the text-message service's answer could not be read", True) from exc
        message_id = row.get("messageId")
        return SendAnswer(
            status_code=code,
            status=str(row.get("status", "")),
            message_id=message_id if isinstance(message_id, str) and message_id not in ("", "None") else None,
            cost=parse_cost(row.get("cost")),
        )
