"""The registry of event contracts and their consumers: every hop between services, named once.

A contract is a frozen dataclass registered with `@contract(...)`: its name (what the outbox row and
the queued envelope carry), its version, its queue, its marshmallow schema, and one upcaster per
older version. A consumer is a function declared with `@consumes(Event)`; the worker imports every
service's jobs module when it starts, which fills the registry (common.service_list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from marshmallow import Schema

E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEvent(LookupError):
    """An envelope names an event, or a version, that this code does not know."""


@dataclass(frozen=True)
class Contract:
    """What producer and consumers agree on for one event."""

    name: str
    version: int
    queue: str
    event: type
    schema: Schema
    # upcasters[n] turns a version-n payload into a version n+1 one.
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict)
    # False for events that are themselves the acknowledgement (never acknowledged again).
    acknowledged: bool = True

    def dump(self, event: object) -> dict[str, Any]:
        """The current-version payload of an event."""
        return self.schema.dump(event)

    def load(self, payload: dict[str, Any], version: int) -> Any:
        """A typed event from a payload of `version` (older ones upcast first); raises if malformed."""
        if not 1 <= version <= self.version:
            raise UnknownEvent(f"{self.name} v{version} (this code knows v1..v{self.version})")
        for step in range(version, self.version):
            payload = self.upcasters[step](payload)
        return self.schema.load(payload)


_CONTRACTS: dict[str, Contract] = {}
_BY_TYPE: dict[type, Contract] = {}
_CONSUMERS: dict[str, list[Callable[[Any], Any]]] = {}
# A consumer's batch form, by the consumer's dotted name: the same work for a list of events at once.
_BATCHES: dict[str, Callable[[list[Any]], Any]] = {}


def _dotted(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def contract(
    name: str,
    version: int,
    queue: str,
    schema: type[Schema],
    upcasters: Mapping[int, Upcaster] | None = None,
    acknowledged: bool = True,
) -> Callable[[type[E]], type[E]]:
    """Register a dataclass as the event `name`; every older version needs its upcaster."""

    def register(cls: type[E]) -> type[E]:
        steps = dict(upcasters or {})
        missing = [v for v in range(1, version) if v not in steps]
        if missing or name in _CONTRACTS:
            raise TypeError(f"contract {name}: duplicate name or no upcaster from version(s) {missing}")
        entry = Contract(name, version, queue, cls, schema(), steps, acknowledged)
        _CONTRACTS[name] = entry
        _BY_TYPE[cls] = entry
        return cls

    return register


def contract_of(event: object | type) -> Contract:
    """The contract of an event (or event class); TypeError for anything that is not one."""
    cls = event if isinstance(event, type) else type(event)
    try:
        return _BY_TYPE[cls]
    except KeyError:
        raise TypeError(f"{cls.__name__} is not an event contract") from None


def named(name: str) -> Contract:
    """The contract called `name`."""
    try:
        return _CONTRACTS[name]
    except KeyError:
        raise UnknownEvent(name) from None


def consumes(event_type: type) -> Callable[[F], F]:
    """Declare `func` a consumer of `event_type`: the dispatcher calls it with each typed event.

    A consumer must be idempotent: delivery is at least once.
    """
    entry = contract_of(event_type)

    def declare(func: F) -> F:
        registered = _CONSUMERS.setdefault(entry.name, [])
        if _dotted(func) not in {_dotted(f) for f in registered}:
            registered.append(func)
        return func

    return declare


def batch_of(consumer: Callable[..., Any]) -> Callable[[F], F]:
    """Declare `func` the batch form of `consumer`: it takes a list of that consumer's events and
    applies them all or none (one transaction), each as idempotently as `consumer` would.

    The dispatcher calls it for a batch of events; if it raises, it falls back to `consumer`, one
    event at a time, so one bad event neither blocks nor doubles the others.
    """

    def declare(func: F) -> F:
        _BATCHES[_dotted(consumer)] = func
        return func

    return declare


def batch_form(consumer: Callable[..., Any]) -> Callable[[list[Any]], Any] | None:
    """The batch form declared for `consumer` with `@batch_of`, if any."""
    return _BATCHES.get(_dotted(consumer))


def consumers_of(entry: Contract) -> tuple[Callable[[Any], Any], ...]:
    """The consumers registered so far (the worker imports every jobs module first)."""
    return tuple(_CONSUMERS.get(entry.name, ()))


def all_contracts() -> tuple[Contract, ...]:
    """Every registered contract."""
    return tuple(_CONTRACTS.values())


def all_consumers() -> dict[str, tuple[Callable[[Any], Any], ...]]:
    """Every consumer, by the name of the event it consumes."""
    return {name: tuple(funcs) for name, funcs in _CONSUMERS.items()}
