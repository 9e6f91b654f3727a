"""Start the real processes from the Procfile on free ports, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from .env import service_environment

ROOT = Path(__file__).resolve().parents[2]
PORT_VARS = (
    "ACCOUNTS_PORT",
    "INVENTORY_PORT",
    "PAYMENTS_PORT",
    "REPORTING_PORT",
    "DARAJA_SIM_PORT",
    "SMS_SIM_PORT",
    "GATEWAY_PORT",
)


# Every process a Stack starts carries the starting process's id here. A test run killed with
# SIGKILL cannot stop its stack, and a worker left running takes jobs from the next run's
# Redis queues (this once failed 13 tests): the next Stack stops those whose starter is gone.
OWNER_VAR = "TOMTIN_STACK_OWNER"


def _owner_of(pid: int) -> int | None:
    """The OWNER_VAR in a process's environment, if it is ours to read and has one."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or another user's
        return None
    for entry in environ.split(b"\0"):
        if entry.startswith(OWNER_VAR.encode() + b"="):
            value = entry.split(b"=", 1)[1]
            return int(value) if value.isdigit() else None
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds that id now
        return True
    return True


def stop_orphans() -> list[int]:
    """Stop (SIGKILL, with their process groups) the processes of stacks whose starter has died;
    the ids stopped. Stacks of other live test runs, on this machine at the same time, are left."""
    stopped = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        owner = _owner_of(int(entry.name))
        if owner is None or _alive(owner):
            continue
        pid = int(entry.name)
        try:
            os.killpg(pid, signal.SIGKILL)  # a service and the workers it forked
        except OSError:  # not a group leader: a forked worker whose leader is stopped above
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        stopped.append(pid)
    _remove_orphan_caches()
    return stopped


# The gateway caches a Stack keeps in memory: "<prefix><starter's pid>-<random>" in /dev/shm.
CACHE_PREFIX = "tomtin-gateway-"


def _remove_orphan_caches() -> None:
    """Memory held by the gateway caches of stacks whose starter died (a killed test run)."""
    for folder in Path("/dev/shm").glob(f"{CACHE_PREFIX}*-*"):
        starter = folder.name.removeprefix(CACHE_PREFIX).split("-", 1)[0]
        if starter.isdigit() and not _alive(int(starter)):
            shutil.rmtree(folder, ignore_errors=True)


# Below Linux's ephemeral range (32768+): a port the kernel hands out with bind(0) can be
# taken by any outgoing connection before our server binds it, which once pointed a stack's
# gateway at another process. Random picks here are only ever taken by servers like ours.
_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port no one is listening on now, outside the ephemeral range."""
    while True:
        port = random.choice(_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def procfile() -> dict[str, str]:
    """The Procfile's `name: command` lines: one definition for `make run` and the tests."""
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def memory_folder(prefix: str) -> Path | None:
    """A new folder in /dev/shm (memory), as production keeps the gateway's caches on a tmpfs
    (compose); None where there is none to write to."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/dev/shm"))
    except OSError:
        return None
    folder.chmod(0o755)  # nginx workers run unprivileged
    return folder


class Stack:
    """The running system; `url` is the gateway, `port(name)` a service's own port."""

    def __init__(self, only: tuple[str, ...] | None = None) -> None:
        self.only = only
        self.run_dir = Path(tempfile.mkdtemp(prefix="tomtin-stack-"))
        self.run_dir.chmod(0o755)  # nginx workers run unprivileged and must reach the gateway dir
        self.env = {**os.environ, **service_environment(), "PYTHONPATH": str(ROOT / "services")}
        self.env[OWNER_VAR] = str(os.getpid())
        for var in PORT_VARS:
            self.env[var] = str(free_port())
        self.env["GATEWAY_RUN_DIR"] = str(self.run_dir / "gateway")
        self.cache_dir = memory_folder(f"{CACHE_PREFIX}{os.getpid()}-") or self.run_dir / "gateway" / "cache"
        self.env["GATEWAY_CACHE_DIR"] = str(self.cache_dir)
        self.env["GATEWAY_ACCESS_LOG"] = "off"
        self.env["GATEWAY_WORKERS"] = "2"
        self.env["WEB_CONCURRENCY"] = "1"
        # Settings for one process only, over self.env (the bench gives inventory the small
        # profile's two workers: bench.deployment.process_environments).
        self.process_env: dict[str, dict[str, str]] = {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.url = f"http://127.0.0.1:{self.env['GATEWAY_PORT']}"
        # payments calls this stack's simulator, which calls back through this stack's gateway.
        self.env["MPESA_BASE_URL"] = f"http://127.0.0.1:{self.env['DARAJA_SIM_PORT']}"
        self.env["MPESA_CALLBACK_BASE_URL"] = self.url
        # payments sends texts to this stack's SMS simulator, whose reports come back the same way.
        self.env["SMS_BASE_URL"] = f"http://127.0.0.1:{self.env['SMS_SIM_PORT']}"
        hooks = f"{self.url}/hooks/sms/{self.env['SMS_WEBHOOK_SECRET']}"
        self.env["SIM_SMS_REPORT_URL"] = f"{hooks}/delivery"
        self.env["SIM_SMS_OPTOUT_URL"] = f"{hooks}/opt-out"

    def port(self, name: str) -> int:
        return int(self.env[f"{name.upper()}_PORT"])

    def _command(self, command: str) -> list[str]:
        expanded = re.sub(r"\$\{(\w+)\}", lambda m: self.env[m.group(1)], command)
        return shlex.split(expanded)

    def start(self) -> None:
        stop_orphans()
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), str(ROOT / "gateway/render.py"), self.env["GATEWAY_RUN_DIR"]],
            env=self.env,
            check=True,
            capture_output=True,
        )
        for name, command in procfile().items():
            if self.only is None or name in self.only:
                self.start_process(name, command)
        self.wait_ready()

    def start_process(self, name: str, command: str | None = None) -> None:
        """(Re)start one process of the Procfile."""
        command = command or procfile()[name]
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.procs[name] = subprocess.Popen(
            self._command(command),
            cwd=ROOT,
            env={**self.env, **self.process_env.get(name, {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        checks = [
            f"http://127.0.0.1:{self.port(s)}/readyz"
            for s in ("accounts", "inventory", "payments", "reporting")
            if self.only is None or s in self.only
        ]
        if self.only is None or "gateway" in self.only:
            checks.append(f"{self.url}/healthz")
        for simulator in ("daraja_sim", "sms_sim"):
            if self.only is None or simulator in self.only:
                checks.append(f"http://127.0.0.1:{self.port(simulator)}/healthz")
        for url in checks:
            while True:
                self._check_alive()
                try:
                    if self._ready(requests.get(url, timeout=1)):
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} not ready; logs in {self.run_dir}:\n{self.logs()}")
                time.sleep(0.1)

    def _ready(self, response: requests.Response) -> bool:
        """200; without a scheduler and worker in this stack, readiness apart from their heartbeat."""
        if response.status_code == 200:
            return True
        if self.only is None or {"scheduler", "worker"} <= set(self.only):
            return False
        if not response.url.endswith("/readyz"):
            return False
        checks = response.json().get("checks", {})
        return all(value == "ok" for name, value in checks.items() if name != "scheduler")

    def _check_alive(self) -> None:
        """A process that exited while starting (e.g. its port was taken) fails the start at once."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; logs in {self.run_dir}:\n{self.logs()}"
                )

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in self.run_dir.glob("*.log"))

    def stop(self) -> None:
        """Stop every process, then remove the run folder (rendered config, logs, Nginx's temp files)."""
        for name in list(self.procs):
            self.stop_process(name)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        shutil.rmtree(self.cache_dir, ignore_errors=True)
