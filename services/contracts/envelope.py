"""The envelope an event travels in: its contract's name and version, its id, who produced it.

Plain JSON-able dicts (not pickled classes), so a job queued before a deploy still opens after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .registry import Contract, contract_of, named


@dataclass(frozen=True)
class Delivery:
    """An opened envelope: the typed event and what the dispatcher needs to acknowledge it."""

    event: Any
    contract: Contract
    event_id: str
    producer: str | None


def seal(event: object, event_id: str, producer: str | None = None) -> dict[str, Any]:
    """The envelope of an event in its contract's current version."""
    entry = contract_of(event)
    return stored(entry.name, entry.version, entry.dump(event), event_id, producer)


def stored(
    name: str, version: int, payload: dict[str, Any], event_id: str, producer: str | None
) -> dict[str, Any]:
    """The envelope of a payload kept as written (an outbox row may hold an older version)."""
    return {"event": name, "version": version, "id": event_id, "producer": producer, "payload": payload}


def open_envelope(envelope: dict[str, Any]) -> Delivery:
    """The typed event inside; raises UnknownEvent or marshmallow's ValidationError, changing nothing."""
    entry = named(envelope["event"])
    event = entry.load(envelope["payload"], int(envelope["version"]))
    return Delivery(event, entry, str(envelope["id"]), envelope.get("producer"))
