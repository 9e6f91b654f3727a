"""Posts delivery reports and opt-outs as Africa's Talking does: form-encoded, later, from a thread.

A connection error is retried a few times (the receiver may be restarting); any HTTP answer counts
as delivered, as in the Daraja simulator.
"""

import logging
import threading
import time

import requests

from simulators.sms.state import Delivery, Message, Store

log = logging.getLogger(__name__)
ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.5
TIMEOUT_SECONDS = 8.0
NETWORK_SAFARICOM = "63902"


def report_body(message: Message, status: str, failure_reason: str | None) -> dict[str, str]:
    body = {
        "id": message.message_id,
        "status": status,
        "phoneNumber": message.number,
        "networkCode": NETWORK_SAFARICOM,
        "retryCount": "0",
    }
    if failure_reason:
        body["failureReason"] = failure_reason
    return body


def schedule_reports(store: Store, message: Message, body: dict[str, str], times: int) -> None:
    """Post `body` to the report URL `times` times, one after another, after the report delay."""
    url = store.settings.report_url
    if not url:
        return

    def run() -> None:
        for _ in range(times):
            post_form(url, body, "report", lambda d: store.record(message, d))

    timer = threading.Timer(store.settings.report_delay, run)
    timer.daemon = True
    store.track(timer)
    timer.start()


def post_form(url: str, body: dict[str, str], kind: str, record) -> requests.Response | None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = requests.post(url, data=body, timeout=TIMEOUT_SECONDS)
        except requests.ConnectionError as exc:
            log.warning("%s to %s, attempt %d: %s", kind, url, attempt, exc)
            record(Delivery(kind, url, attempt, error=str(exc)))
            time.sleep(RETRY_PAUSE_SECONDS * attempt)
            continue
        except requests.RequestException as exc:
            record(Delivery(kind, url, attempt, error=str(exc)))
            return None
        log.info("%s to %s, attempt %d: HTTP %d", kind, url, attempt, response.status_code)
        record(Delivery(kind, url, attempt, status_code=response.status_code))
        return response
    return None
