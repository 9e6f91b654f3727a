"""The contracts between services: every event consumed, every consumer of a contract, old payloads
still accepted, published views as declared, and no job or event named by a string."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from decimal import Decimal
from pathlib import Path

import contracts
import pytest
import sqlalchemy as sa
from contracts import (
    VIEWS,
    EventApplied,
    RefundedLine,
    SaleChanged,
    SalePaid,
    SaleRefunded,
    SaleVoided,
    SoldLine,
    UnknownEvent,
    all_consumers,
    all_contracts,
    consumers_of,
    consumes,
    open_envelope,
    seal,
)
from marshmallow import ValidationError

from common.service_list import SERVICES, import_jobs_modules
from support.env import admin_url

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = (
    SalePaid(7, "retail", (SoldLine(3, 11, Decimal("2.500")),)),
    SaleChanged("water", 7, dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)),
    EventApplied("42", "sale_paid", "payments"),
    SaleVoided(
        7, "retail", dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC), (SoldLine(3, 11, Decimal("2.500")),)
    ),
    SaleRefunded(
        5,
        7,
        "retail",
        Decimal("450.00"),
        dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC),
        (RefundedLine(9, 11, Decimal("1.000"), True),),
    ),
)


@pytest.fixture(scope="module", autouse=True)
def registry():
    import_jobs_modules()  # what the worker does when it starts


@pytest.mark.unit
def test_every_contract_has_a_consumer():
    unconsumed = [entry.name for entry in all_contracts() if not consumers_of(entry)]
    assert unconsumed == []


@pytest.mark.unit
def test_every_consumer_is_of_a_contract_and_every_job_typed_with_an_event_is_a_consumer():
    registered = {func for funcs in all_consumers().values() for func in funcs}
    events = {entry.event for entry in all_contracts()}
    typed_as_event = set()
    for module in import_jobs_modules():
        for _, func in inspect.getmembers(module, inspect.isfunction):
            hints = typing.get_type_hints(func)
            if any(hint in events for name, hint in hints.items() if name != "return"):
                typed_as_event.add(func)
    assert typed_as_event == registered
    with pytest.raises(TypeError, match="not an event contract"):
        consumes(dict)


@pytest.mark.unit
def test_every_contract_round_trips_and_has_a_sample():
    assert {type(sample) for sample in SAMPLES} == {entry.event for entry in all_contracts()}
    for sample in SAMPLES:
        assert open_envelope(seal(sample, "1", "payments")).event == sample


@pytest.mark.unit
def test_a_version_1_payload_queued_before_the_contracts_still_applies():
    # Exactly what payments' outbox wrote before events were contracts (migration 0005 keeps it as v1).
    old_stock = {
        "event_id": "sale-paid-7",
        "sale_id": 7,
        "business": "retail",
        "lines": [{"sale_line_id": 3, "product_id": 11, "quantity": "2.500"}],
    }
    old_report = {
        "event_id": "a1b2",
        "business": "water",
        "sale_id": 7,
        "created_at": "2026-11-01T09:30:00+00:00",
    }
    assert open_envelope(contracts.stored("sale_paid", 1, old_stock, "5", "payments")).event == SAMPLES[0]
    assert open_envelope(contracts.stored("sale_changed", 1, old_report, "6", "payments")).event == SAMPLES[1]


@pytest.mark.unit
def test_unknown_events_versions_and_malformed_payloads_are_refused():
    with pytest.raises(UnknownEvent):
        open_envelope(contracts.stored("sale_teleported", 1, {}, "1", None))
    with pytest.raises(UnknownEvent):
        open_envelope(contracts.stored("sale_paid", 3, {}, "1", None))  # newer than this code
    with pytest.raises(ValidationError):
        open_envelope(
            contracts.stored("sale_paid", 2, {"sale_id": 7, "business": "retail", "lines": []}, "1", None)
        )
    with pytest.raises(ValidationError):
        open_envelope(contracts.stored("sale_paid", 2, {"sale_id": "7", "business": "retail"}, "1", None))


def test_each_published_view_has_the_columns_and_readers_its_contract_declares(wiper):
    engine = sa.create_engine(admin_url(), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        published = conn.execute(
            sa.text(
                "SELECT table_schema || '.' || table_name FROM information_schema.views "
                "WHERE table_schema = ANY(:s) ORDER BY 1"
            ),
            {"s": list(SERVICES)},
        ).scalars()
        assert sorted(published) == sorted(view.name for view in VIEWS)
        for view in VIEWS:
            schema, name = view.name.split(".")
            columns = conn.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = :schema AND table_name = :name ORDER BY ordinal_position"
                ),
                {"schema": schema, "name": name},
            ).scalars()
            assert tuple(columns) == view.columns, view.name
            readers = {
                service
                for service in SERVICES
                if service != schema
                and conn.execute(
                    sa.text("SELECT has_table_privilege(:role, :view, 'SELECT')"),
                    {"role": f"tomtin_{service}", "view": view.name},
                ).scalar()
            }
            assert readers == set(view.readers), view.name
    engine.dispose()


@pytest.mark.unit
def test_no_job_or_event_is_named_by_a_dotted_string_outside_the_contract_registry():
    dotted = re.compile(
        r"""["'](?:common|accounts|inventory|payments|reporting)\.jobs?\.\w+["']|["']\w+\.tasks\.\w+["']"""
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("services", "tests", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts  # history: the migration that converted such names
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if dotted.search(line)
    ]
    assert offenders == []
