"""One error shape for every service: RFC 9457 problem details, with field errors.

Services raise the `DomainError` subclasses below (they carry no Flask import, so
`services.py` modules stay framework-free); `register_error_handlers` turns them,
HTTP errors and validation errors into `application/problem+json` responses.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from flask import Flask, Response, g, json, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

PROBLEM_MIME = "application/problem+json"
# How long a client should wait after PostgreSQL did not answer (a restart takes a few seconds).
DATABASE_RETRY_AFTER = 5
log = logging.getLogger("tomtin.errors")


class DomainError(Exception):
    """A business-rule failure the client caused; maps to a 4xx."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class InvalidInput(DomainError):
    status, title = 422, "Invalid input"


class NotFound(DomainError):
    status, title = 404, "Not found"


class Forbidden(DomainError):
    status, title = 403, "Forbidden"


class Unauthorized(DomainError):
    status, title = 401, "Unauthorized"


class Conflict(DomainError):
    status, title = 409, "Conflict"


class TooManyRequests(DomainError):
    """Too many tries; `Retry-After` says how many seconds to wait."""

    status, title = 429, "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class Unavailable(DomainError):
    """A dependency (Redis, Daraja) is down; the client may retry."""

    status, title = 503, "Service unavailable"


def problem(
    status: int, title: str, detail: str, errors: Any = None, headers: dict | None = None
) -> Response:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
        "request_id": g.get("request_id"),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIME)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_webargs(messages: Any) -> dict[str, list[str]]:
    """webargs nests errors by location ({'json': {'qty': [...]}}); clients want fields."""
    if not isinstance(messages, dict):
        return {"_body": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for name, errs in fields.items():
                flat[str(name)] = errs if isinstance(errs, list) else [errs]
        else:
            flat[f"_{location}"] = fields if isinstance(fields, list) else [str(fields)]
    return flat


def _from_http(exc: HTTPException) -> Response:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:
        errors = _flatten_webargs(messages)
        return problem(exc.code or 422, "Invalid input", "The request has invalid fields.", errors)
    detail = data.get("message") or exc.description or exc.name
    headers = dict(exc.get_headers()) if exc.code == 405 else None
    if headers:
        headers.pop("Content-Type", None)
    return problem(exc.code or 500, exc.name, str(detail), headers=headers)


def register_error_handlers(app: Flask) -> None:
    """Make every error leave the service in the one shared shape."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        return problem(exc.status, exc.title, exc.detail, exc.errors, getattr(exc, "headers", None))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return _from_http(exc)

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(psycopg.OperationalError)
    def _database_unavailable(exc: Exception) -> Response:
        return _database_problem(exc)

    @app.errorhandler(sa_exc.DBAPIError)
    def _database_error(exc: sa_exc.DBAPIError) -> Response:
        if exc.connection_invalidated:
            return _database_problem(exc)
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, "Internal Server Error", "Something went wrong; it has been logged.")


def _database_problem(exc: Exception) -> Response:
    """PostgreSQL restarting, unreachable or out of connections: retry shortly (pools reconnect)."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return problem(
        503,
        "Service unavailable",
        "The database is not answering; try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )
