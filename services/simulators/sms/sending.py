"""Africa's Talking's send: validate the request, answer per recipient, plan the reports."""

import re
import secrets
import time
from decimal import Decimal

from common.sms_length import sms_parts
from simulators.sms.outcomes import STATUS_NAMES, outcome_for
from simulators.sms.reports import report_body, schedule_reports
from simulators.sms.state import Message, Store

DEFAULT_SENDER = "AFRICASTKNG"
MAX_MESSAGE = 918  # 6 GSM-7 parts: longer is surely a bug in the caller
_NUMBER = re.compile(r"\+?\d{9,15}")


class SendRefused(Exception):
    """The whole request is refused: HTTP `status` with a plain-text body, as the API answers."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


class Busy(SendRefused):
    def __init__(self) -> None:
        super().__init__(503, "Service Unavailable")


def check_credentials(store: Store, api_key: str | None, username: object) -> None:
    settings = store.settings
    if not api_key or not secrets.compare_digest(api_key, settings.api_key) or username != settings.username:
        raise SendRefused(401, "The supplied authentication is invalid")


def send(store: Store, numbers: list[str], text: object, sender: object) -> dict[str, object]:
    """Answer one send request (already authenticated) in the API's JSON shape."""
    if not isinstance(text, str) or not text:
        raise SendRefused(400, "Missing required field: message")
    if len(text) > MAX_MESSAGE:
        raise SendRefused(400, "The message is too long")
    numbers = [n.strip() for n in numbers if n.strip()]
    if not numbers:
        raise SendRefused(400, "Missing required field: to")
    sender = sender if isinstance(sender, str) and sender else DEFAULT_SENDER
    outcomes = [outcome_for(n) for n in numbers]
    if any(store.count_send(n) < o.busy_sends for n, o in zip(numbers, outcomes, strict=True)):
        raise Busy()
    parts = sms_parts(text)
    rate = Decimal(store.settings.rate)
    recipients, total, slow = [], Decimal("0"), False
    for number, outcome in zip(numbers, outcomes, strict=True):
        code = outcome.status_code if _NUMBER.fullmatch(number) else 403
        accepted = code in (100, 101, 102)
        cost = rate * parts if accepted else Decimal("0")
        total += cost
        message = Message(
            message_id=f"ATXid_{secrets.token_hex(16)}" if accepted else "None",
            number=number,
            text=text,
            sender=sender,
            status_code=code,
            status="Success" if code == 101 else STATUS_NAMES.get(code, "Failed"),
            cost=f"KES {cost:.4f}" if accepted else "0",
            parts=parts,
            scenario=outcome.description if code == outcome.status_code else "invalid number",
        )
        store.add(message)
        if accepted and outcome.report:
            body = report_body(message, outcome.report, outcome.failure_reason)
            message.report = body
            schedule_reports(store, message, body, outcome.reports)
        slow = slow or outcome.slow
        recipients.append(
            {
                "statusCode": code,
                "number": number,
                "status": message.status,
                "cost": message.cost,
                "messageId": message.message_id,
            }
        )
    if slow:  # accepted and recorded already: a client that dies now never learns the id
        time.sleep(store.settings.slow_seconds)
    sent = sum(1 for r in recipients if r["statusCode"] == 101)
    return {
        "SMSMessageData": {
            "Message": f"Sent to {sent}/{len(recipients)} Total Cost: KES {total:.4f}",
            "Recipients": recipients,
        }
    }
