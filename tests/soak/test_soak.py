"""The short soak (`make test`): the crash and restart scenarios (scenarios.IN_MAKE_TEST) at a small size against the real stack;
nothing lost or doubled, no unhandled 500, every process recovered without a restart.
`make soak` runs the same scenarios at full size and prints the table (tests/soak/run.py)."""

import pytest
from soak.scenarios import IN_MAKE_TEST, SHORT
from soak.stack import SoakStack
from soak.table import markdown

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def soak():
    running = SoakStack()
    try:
        running.start()
        running.soak_product = running.product("water", "SOAK-20L")
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("scenario", IN_MAKE_TEST, ids=[s.__name__ for s in IN_MAKE_TEST])
def test_fault_scenario_loses_and_doubles_nothing(soak, scenario):
    row = scenario(soak, SHORT, soak.soak_product)
    table = markdown([row])
    assert row.requests > 0 and row.faults > 0, table
    assert (row.lost, row.doubled, row.unhandled) == (0, 0, 0), table
    assert row.recovered, table
