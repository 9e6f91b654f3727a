"""Render the gateway's nginx config from the environment into a run directory.

Usage: python gateway/render.py RUN_DIR  (prints the path of the rendered nginx.conf)
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def settings(run_dir: Path) -> dict[str, str]:
    """Placeholder values: explicit GATEWAY_* settings, else local development defaults."""
    env = os.environ
    host = env.get("UPSTREAM_HOST", "127.0.0.1")
    return {
        "RUN_DIR": str(run_dir),
        "LISTEN": env.get("GATEWAY_LISTEN", f"127.0.0.1:{env.get('GATEWAY_PORT', '8080')}"),
        "WORKER_PROCESSES": env.get("GATEWAY_WORKERS", "auto"),
        "MIME_TYPES": env.get("GATEWAY_MIME_TYPES", "/etc/nginx/mime.types"),
        "ACCESS_LOG": env.get("GATEWAY_ACCESS_LOG", "/dev/stdout json"),
        "PWA_ROOT": env.get("PWA_ROOT", str(HERE.parent / "pwa" / "dist")),
        "ACCOUNTS_UPSTREAM": env.get("ACCOUNTS_UPSTREAM", f"{host}:{env.get('ACCOUNTS_PORT', '5001')}"),
        "INVENTORY_UPSTREAM": env.get("INVENTORY_UPSTREAM", f"{host}:{env.get('INVENTORY_PORT', '5002')}"),
        "PAYMENTS_UPSTREAM": env.get("PAYMENTS_UPSTREAM", f"{host}:{env.get('PAYMENTS_PORT', '5003')}"),
        "REPORTING_UPSTREAM": env.get("REPORTING_UPSTREAM", f"{host}:{env.get('REPORTING_PORT', '5004')}"),
    }


def render_text(text: str, values: dict[str, str]) -> str:
    """Fill double-brace placeholders; an unknown one is an error, not an empty string."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for gateway placeholder {name}")
        return values[name]

    return PLACEHOLDER.sub(fill, text)


def worker_user(run_dir: Path) -> str:
    """The `user` directive: only meaningful when started as root, where the workers
    drop to an unprivileged account that must own the cache and temp directories."""
    if os.geteuid() != 0:
        return ""
    account = pwd.getpwnam(os.environ.get("GATEWAY_USER", "nobody"))
    for sub in ("tmp", "cache"):
        for path in [run_dir / sub, *(run_dir / sub).rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
    # Workers must be able to traverse to the run dir (a mkdtemp dir is 0700).
    run_dir.chmod(0o755)
    return f"user {account.pw_name} {grp.getgrgid(account.pw_gid).gr_name};"


def render(run_dir: Path) -> Path:
    """Write nginx.conf (and its includes) into run_dir, creating the dirs nginx needs."""
    run_dir = run_dir.resolve()
    for sub in ("tmp", "cache"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    values = {**settings(run_dir), "USER_DIRECTIVE": worker_user(run_dir)}
    for template in HERE.glob("*.template"):
        target = run_dir / template.name.removesuffix(".template")
        target.write_text(render_text(template.read_text(), values))
    return run_dir / "nginx.conf"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python gateway/render.py RUN_DIR")
    print(render(Path(sys.argv[1])))
