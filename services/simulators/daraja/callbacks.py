"""Delivers callbacks as Daraja does: later, from a background thread, as JSON POSTs.

A connection failure is retried a few times (the receiver may be restarting). Any HTTP answer,
even an error status, counts as delivered: the receiver got the request, and resending it
is the duplicate-callback scenario's job, not the transport's.
"""

import logging
import threading
import time
from collections.abc import Callable

import requests

from simulators.daraja import ids
from simulators.daraja.state import Delivery, Store

log = logging.getLogger(__name__)

ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.5  # multiplied by the attempt number
# Daraja waits about 8 s for a C2B validation answer; the same bound suits every callback.
TIMEOUT_SECONDS = 8.0

Recorder = Callable[[Delivery], None]


def schedule(store: Store, delay: float, job: Callable[[], None]) -> None:
    """Run job on a timer thread after delay seconds; store.reset() cancels it if not started."""
    timer = threading.Timer(delay, job)
    timer.daemon = True  # a pending callback must not keep the process from exiting
    store.track(timer)
    timer.start()


def post_json(url: str, body: dict[str, object], kind: str, record: Recorder) -> requests.Response | None:
    """POST body to url, retrying on connection errors; the response, or None if none came."""
    for attempt in range(1, ATTEMPTS + 1):
        at = ids.nairobi_now().isoformat(timespec="milliseconds")
        try:
            response = requests.post(url, json=body, timeout=TIMEOUT_SECONDS)
        except requests.ConnectionError as exc:
            log.warning("%s callback to %s, attempt %d: %s", kind, url, attempt, exc)
            record(Delivery(kind, url, attempt, at, error=str(exc)))
            if attempt < ATTEMPTS:
                time.sleep(RETRY_PAUSE_SECONDS * attempt)
            continue
        except requests.RequestException as exc:
            # A read timeout may mean the receiver did get it: do not send it again.
            log.warning("%s callback to %s, attempt %d: %s", kind, url, attempt, exc)
            record(Delivery(kind, url, attempt, at, error=str(exc)))
            return None
        log.info("%s callback to %s, attempt %d: HTTP %d", kind, url, attempt, response.status_code)
        record(Delivery(kind, url, attempt, at, status_code=response.status_code))
        return response
    return None
