"""JSON logs: one line per request and per job, carrying the gateway's request id."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Webhook paths carry a secret (/hooks/<kind>/<secret>/...): never write it to a log.
_HOOK_SECRET = re.compile(r"^(/hooks/[^/]+/)[^/]+")


def loggable_path(path: str) -> str:
    """The request path with any webhook secret masked."""
    return _HOOK_SECRET.sub(r"\1***", path)


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object; extra fields passed via `extra={"fields": {...}}`."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


JsonFormatter.converter = time.gmtime


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route the root logger to stdout as JSON lines; the first caller names the process.

    A worker configures itself as "worker" and then builds service apps for its jobs;
    those must not relabel the worker's lines.
    """
    root = logging.getLogger()
    if any(getattr(handler, "_tomtin", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    handler._tomtin = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def register_request_logging(app: Flask) -> None:
    """Take (or make) a request id, echo it back, and log one line per request."""
    log = logging.getLogger("tomtin.request")

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        # `g` outlives a request when an app context was already pushed (jobs, tests),
        # so a previous request's caller must not carry over.
        g.pop("principal", None)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        principal = g.get("principal")
        log.info(
            "request",
            extra={
                "fields": {
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": loggable_path(request.path),
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
                    "user": principal.user_id if principal else None,
                }
            },
        )
        return response
