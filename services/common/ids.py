"""Database ids from clients: whole numbers that fit PostgreSQL's bigint, in paths and bodies.

A larger number fits Python's int but not the column, and used to end as a 500 at the query.
`<id:name>` in a route answers 404 for it (no such row can exist); `Id()` in a schema answers 422.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # bigint
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


class IdConverter(IntegerConverter):
    """`<id:sale_id>`: 1..MAX_ID; anything else does not match the route (404)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_param_schema(_converter: IdConverter) -> dict[str, Any]:
    """The OpenAPI schema of an `<id:...>` path parameter."""
    return dict(ID_SCHEMA)


def Id(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    """A row id in a request: a JSON integer 1..MAX_ID (no strings, no floats)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)
