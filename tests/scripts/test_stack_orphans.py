"""A test run killed with SIGKILL leaves its stack running (and its gateway cache in memory); the next
Stack must stop (remove) it, and only it."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from support.stack import CACHE_PREFIX, OWNER_VAR, stop_orphans

pytestmark = pytest.mark.unit

# An "owner" standing in for a test run: it starts a long sleeper as a Stack starts a service
# (its own session, the owner's id in its environment), prints the sleeper's id and waits.
OWNER = """
import os, subprocess, sys, time
child = subprocess.Popen(["sleep", "300"], env={**os.environ, sys.argv[1]: str(os.getpid())},
                         start_new_session=True)
print(child.pid, flush=True)
time.sleep(300)
"""


def _start_owner() -> tuple[subprocess.Popen, int]:
    owner = subprocess.Popen([sys.executable, "-c", OWNER, OWNER_VAR], stdout=subprocess.PIPE, text=True)
    return owner, int(owner.stdout.readline())


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan is reaped by init, or by us below)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_stack_of_a_killed_run_is_stopped_and_a_live_ones_is_not():
    dead_owner, orphan = _start_owner()
    live_owner, kept = _start_owner()
    try:
        dead_owner.kill()
        dead_owner.wait()
        assert _running(orphan), "the sleeper outlives its killed owner, as a stack does"

        stopped = stop_orphans()

        deadline = time.monotonic() + 5
        while _running(orphan) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert orphan in stopped
        assert not _running(orphan)
        assert _running(kept), "a stack whose owner still runs is not ours to stop"
        assert kept not in stopped
    finally:
        for pid in (orphan, kept):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        live_owner.kill()
        live_owner.wait()


@pytest.mark.skipif(not os.access("/dev/shm", os.W_OK), reason="no /dev/shm to keep caches in")
def test_the_gateway_cache_of_a_killed_run_is_removed_and_a_live_ones_is_kept():
    dead_owner, _ = _start_owner()
    dead_owner.kill()
    dead_owner.wait()
    orphan = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{dead_owner.pid}-", dir="/dev/shm"))
    kept = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-", dir="/dev/shm"))
    (orphan / "micro").mkdir()
    try:
        stop_orphans()
        assert not orphan.exists()
        assert kept.exists(), "a cache whose run still goes on is not ours to remove"
    finally:
        shutil.rmtree(orphan, ignore_errors=True)
        shutil.rmtree(kept, ignore_errors=True)
