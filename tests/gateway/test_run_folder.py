"""The test stack leaves nothing behind: its run folder goes when it stops."""

import pytest

from support.stack import Stack

pytestmark = pytest.mark.e2e


def test_a_stopped_stack_removes_its_run_folder():
    stack = Stack(only=("gateway",))
    stack.start()
    run_dir = stack.run_dir
    assert (run_dir / "gateway.log").exists() and (run_dir / "gateway" / "nginx.conf").exists()
    stack.stop()
    assert not run_dir.exists()
