"""The test stack leaves nothing behind: its run folder and the gateway's caches go when it stops."""

import pytest

from support.stack import Stack

pytestmark = pytest.mark.e2e


def test_a_stopped_stack_removes_its_run_folder():
    stack = Stack(only=("gateway",))
    stack.start()
    run_dir, cache_dir = stack.run_dir, stack.cache_dir
    assert (run_dir / "gateway.log").exists() and (run_dir / "gateway" / "nginx.conf").exists()
    assert (cache_dir / "micro").is_dir()  # nginx made its cache folders there
    stack.stop()
    assert not run_dir.exists() and not cache_dir.exists()
