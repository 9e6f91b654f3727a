"""What the payments route modules share: the OpenAPI answer outline and the Idempotency-Key header."""

import uuid

from flask import request

from common.errors import InvalidInput


def json_doc(schema, description: str) -> dict:
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}


def idempotency_key() -> uuid.UUID:
    raw = request.headers.get("Idempotency-Key", "")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidInput(
            "Send a UUID in the Idempotency-Key header.", {"Idempotency-Key": ["must be a UUID"]}
        ) from None
