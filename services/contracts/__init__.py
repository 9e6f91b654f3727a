"""Contracts between services, as code: events (typed, versioned, each with its queue), their
consumers, and the published views. Standard library and marshmallow only; imports no service.
See services/CONTRACTS.md."""

from .envelope import Delivery, open_envelope, seal, stored
from .events import EventApplied, SaleChanged, SalePaid, SoldLine
from .registry import (
    Contract,
    UnknownEvent,
    all_consumers,
    all_contracts,
    batch_form,
    batch_of,
    consumers_of,
    consumes,
    contract,
    contract_of,
    named,
)
from .returns import RefundedLine, SaleRefunded, SaleVoided
from .views import VIEWS, View

__all__ = [
    "VIEWS",
    "Contract",
    "Delivery",
    "EventApplied",
    "RefundedLine",
    "SaleChanged",
    "SalePaid",
    "SaleRefunded",
    "SaleVoided",
    "SoldLine",
    "UnknownEvent",
    "View",
    "all_consumers",
    "all_contracts",
    "batch_form",
    "batch_of",
    "consumers_of",
    "consumes",
    "contract",
    "contract_of",
    "named",
    "open_envelope",
    "seal",
    "stored",
]
