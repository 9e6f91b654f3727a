"""JSON bodies read safely: bounded nesting and valid Unicode text only.

Python's json module accepts a lone surrogate escape (`"\\ud800"`), which is no Unicode text and
which PostgreSQL cannot store, and it recurses once per nesting level, so thousands of levels
raise RecursionError. Both used to end as 500s. `loads` turns them into `UnsafeJson`, and
`register_json_guard` checks every JSON request body that way before any route parses it, so
each endpoint is covered without knowing (the M-Pesa hooks, which read any body, call `loads`).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request

from .errors import DomainError

# Our deepest body is three levels (a Daraja STK callback: Body.stkCallback.CallbackMetadata.Item);
# anything far deeper is no request of ours.
MAX_DEPTH = 32


class BadJson(ValueError):
    """The body is not JSON we can take; the message says why, for the client."""


class UnsafeJson(BadJson):
    """Valid JSON syntax that still cannot be taken: too deep, or not Unicode text."""


def loads(raw: str | bytes) -> Any:
    """Parse a JSON document, refusing lone surrogates and nesting deeper than MAX_DEPTH."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise UnsafeJson(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        raise BadJson("not valid JSON (UTF-8)") from exc
    _check(value)
    return value


def _check(value: Any) -> None:
    # Iterative on purpose: a recursive walk would meet the very limit being guarded.
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
        elif isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise UnsafeJson(f"JSON nested deeper than {MAX_DEPTH} levels")
            children = [*node, *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnsafeJson("text with a lone surrogate (\\ud800-\\udfff) is not valid Unicode") from None


def register_json_guard(app: Flask) -> None:
    """Refuse (400 problem+json) a JSON body too deep or not Unicode, before any route runs.

    Plain syntax errors are left to the route's own parser, which already answers them.
    """

    @app.before_request
    def _guard_json_body() -> None:
        if not request.is_json:
            return
        raw = request.get_data(cache=True)
        if not raw.strip():
            return
        try:
            loads(raw)
        except UnsafeJson as exc:
            raise DomainError(f"The request body is {exc}.", {"_body": [str(exc)]}) from None
        except BadJson:
            return  # the route's parser answers a syntax error as it always has
