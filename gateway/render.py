"""Render the gateway's nginx config from the environment into a run directory.

Usage: python gateway/render.py RUN_DIR  (prints the path of the rendered nginx.conf)
Every setting is listed in gateway/README.md.
"""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd
import re
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
RATE = re.compile(r"^([0-9]+)r/([sm])$")
SIZE = re.compile(r"^[0-9]+[km]?$")
# An absolute path nginx can take unquoted.
FOLDER = re.compile(r"^/[A-Za-z0-9._/-]+$")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'


class GatewayConfigError(ValueError):
    """A GATEWAY_* setting is missing or malformed; the message names it."""


def _checked(env: Mapping[str, str], name: str, default: str, pattern: re.Pattern[str]) -> str:
    value = env.get(name) or default
    if not pattern.match(value):
        raise GatewayConfigError(f"{name}={value!r} is malformed (expected like {default!r})")
    return value


def _retry_after(rate: str) -> str:
    """Seconds until a rate-limited client may try again: one request's worth of the rate."""
    count, unit = RATE.match(rate).groups()
    return str(max(1, -(-(60 if unit == "m" else 1) // int(count))))


def mpesa_allowlist(env: Mapping[str, str]) -> tuple[str, str]:
    """The geo block body and the hook location's reject rule from GATEWAY_MPESA_ALLOW(_MODE)."""
    raw = env.get("GATEWAY_MPESA_ALLOW", "").replace(",", " ").split()
    mode = env.get("GATEWAY_MPESA_ALLOW_MODE") or "log"
    if mode not in ("log", "reject"):
        raise GatewayConfigError(f"GATEWAY_MPESA_ALLOW_MODE={mode!r}: expected 'log' or 'reject'")
    if not raw:
        return "default 1;", ""
    try:
        networks = [str(ipaddress.ip_network(item, strict=False)) for item in raw]
    except ValueError as exc:
        raise GatewayConfigError(f"GATEWAY_MPESA_ALLOW: {exc}") from exc
    geo = " ".join(["default 0;", *(f"{net} 1;" for net in networks)])
    reject = "            if ($mpesa_source_unknown) { return 403; }" if mode == "reject" else ""
    return geo, reject


def tls(env: Mapping[str, str]) -> dict[str, str]:
    """TLS for production: certificate paths switch on 443, HSTS and an HTTP→HTTPS redirect."""
    cert, key = env.get("GATEWAY_TLS_CERT", ""), env.get("GATEWAY_TLS_KEY", "")
    if bool(cert) != bool(key):
        raise GatewayConfigError("set both GATEWAY_TLS_CERT and GATEWAY_TLS_KEY, or neither")
    if not cert:
        return {"TLS_DIRECTIVES": "", "HTTP_REDIRECT_SERVER": "", "HSTS_HEADER": ""}
    directives = "\n".join(
        f"        {line}"
        for line in (
            f"ssl_certificate {cert};",
            f"ssl_certificate_key {key};",
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_session_cache shared:tls:5m;",
            "ssl_session_timeout 1d;",
        )
    )
    acme_root = env.get("GATEWAY_ACME_ROOT", "/var/www/acme")
    redirect = (
        "    server {\n"
        f"        listen {env.get('GATEWAY_HTTP_LISTEN', '80')};\n"
        "        server_name _;\n"
        f"        location /.well-known/acme-challenge/ {{ root {acme_root}; }}\n"
        '        location = /healthz { default_type application/json; return 200 \'{"status":"ok"}\'; }\n'
        "        location / { return 301 https://$host$request_uri; }\n"
        "    }\n"
    )
    return {"TLS_DIRECTIVES": directives, "HTTP_REDIRECT_SERVER": redirect, "HSTS_HEADER": HSTS}


def settings(run_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Placeholder values: explicit GATEWAY_* settings, else local development defaults."""
    env = os.environ if env is None else env
    host = env.get("UPSTREAM_HOST", "127.0.0.1")
    login_rate = _checked(env, "GATEWAY_LOGIN_RATE", "5r/m", RATE)
    access_log = env.get("GATEWAY_ACCESS_LOG", "/dev/stdout json")
    geo, reject = mpesa_allowlist(env)
    # Unknown M-Pesa sources are logged even when the access log is off (an "off" on the
    # same level would cancel every access_log there).
    access_logs = [] if access_log == "off" else [f"access_log {access_log};"]
    access_logs.append("access_log /dev/stderr mpesa_source if=$mpesa_source_unknown;")
    tls_values = tls(env)
    plain_listen = f"{env.get('GATEWAY_BIND', '127.0.0.1')}:{env.get('GATEWAY_PORT', '8080')}"
    default_listen = "443 ssl http2" if tls_values["TLS_DIRECTIVES"] else plain_listen
    return {
        "RUN_DIR": str(run_dir),
        "CACHE_DIR": cache_dir(run_dir, env),
        "LISTEN": env.get("GATEWAY_LISTEN", default_listen),
        "WORKER_PROCESSES": env.get("GATEWAY_WORKERS", "auto"),
        "MIME_TYPES": env.get("GATEWAY_MIME_TYPES", "/etc/nginx/mime.types"),
        "ACCESS_LOGS": "\n".join(f"    {line}" for line in access_logs),
        "PWA_ROOT": env.get("PWA_ROOT", str(HERE.parent / "pwa" / "dist")),
        "CSP": env.get("GATEWAY_CSP", CSP),
        "API_BODY_MAX": _checked(env, "GATEWAY_API_BODY_MAX", "64k", SIZE),
        "HOOK_BODY_MAX": _checked(env, "GATEWAY_HOOK_BODY_MAX", "16k", SIZE),
        "LOGIN_RATE": login_rate,
        "LOGIN_BURST": _checked(env, "GATEWAY_LOGIN_BURST", "5", re.compile(r"^[0-9]+$")),
        "LOGIN_RETRY_AFTER": _retry_after(login_rate),
        "HOOK_RATE": _checked(env, "GATEWAY_HOOK_RATE", "50r/s", RATE),
        "HOOK_BURST": _checked(env, "GATEWAY_HOOK_BURST", "100", re.compile(r"^[0-9]+$")),
        "RECEIPT_RATE": _checked(env, "GATEWAY_RECEIPT_RATE", "2r/s", RATE),
        "RECEIPT_BURST": _checked(env, "GATEWAY_RECEIPT_BURST", "10", re.compile(r"^[0-9]+$")),
        "MPESA_ALLOW_GEO": geo,
        "MPESA_REJECT": reject,
        **tls_values,
        "ACCOUNTS_UPSTREAM": env.get("ACCOUNTS_UPSTREAM", f"{host}:{env.get('ACCOUNTS_PORT', '5001')}"),
        "INVENTORY_UPSTREAM": env.get("INVENTORY_UPSTREAM", f"{host}:{env.get('INVENTORY_PORT', '5002')}"),
        "PAYMENTS_UPSTREAM": env.get("PAYMENTS_UPSTREAM", f"{host}:{env.get('PAYMENTS_PORT', '5003')}"),
        "REPORTING_UPSTREAM": env.get("REPORTING_UPSTREAM", f"{host}:{env.get('REPORTING_PORT', '5004')}"),
    }


def cache_dir(run_dir: Path, env: Mapping[str, str]) -> str:
    """Where the micro-cache and the logout checks are kept: GATEWAY_CACHE_DIR, else the run
    dir's `cache`. Best in memory (a tmpfs: compose mounts one there): every answer nginx stores
    is a file created and renamed, and on a disk that cost more nginx CPU than the rest of a
    proxied poll (measured: 350–400 µs a poll on ext4, about 200 on tmpfs)."""
    if not env.get("GATEWAY_CACHE_DIR"):
        return str(run_dir / "cache")
    return _checked(env, "GATEWAY_CACHE_DIR", "/dev/shm/tomtin-gateway", FOLDER)


def render_text(text: str, values: dict[str, str]) -> str:
    """Fill double-brace placeholders; an unknown one is an error, not an empty string."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for gateway placeholder {name}")
        return values[name]

    return PLACEHOLDER.sub(fill, text)


def _others_can_read(path: Path) -> bool:
    """Whether an account that is neither owner nor group can reach and list `path`."""
    chain = [*reversed(path.parents), path]
    if not all(p.stat().st_mode & stat.S_IXOTH for p in chain):
        return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def worker_account(run_dir: Path, pwa_root: Path) -> str:
    """GATEWAY_USER, else `nobody` where it can read what the workers serve and write; for a
    clone in a folder only its owner can read (root's home, a 0700 home) that owner, since
    `nobody` would answer every page with a 500 there."""
    if os.environ.get("GATEWAY_USER"):
        return os.environ["GATEWAY_USER"]
    served = [path for path in (pwa_root, pwa_root / "index.html", run_dir) if path.exists()]
    private = [path for path in served if not _others_can_read(path)]
    return pwd.getpwuid(private[0].stat().st_uid).pw_name if private else "nobody"


def worker_user(run_dir: Path, pwa_root: Path, cache: str) -> str:
    """The `user` directive: only meaningful when started as root, where the workers
    drop to another account that must own the cache and temp directories."""
    if os.geteuid() != 0:
        return ""
    account = pwd.getpwnam(worker_account(run_dir, pwa_root))
    for top in (run_dir / "tmp", Path(cache)):
        for path in [top, *top.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
    # Workers must be able to traverse to the run dir (a mkdtemp dir is 0700).
    run_dir.chmod(0o755)
    return f"user {account.pw_name} {grp.getgrgid(account.pw_gid).gr_name};"


def render(run_dir: Path) -> Path:
    """Write nginx.conf (and its includes) into run_dir, creating the dirs nginx needs."""
    run_dir = run_dir.resolve()
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    values = settings(run_dir)
    Path(values["CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    values["USER_DIRECTIVE"] = worker_user(run_dir, Path(values["PWA_ROOT"]), values["CACHE_DIR"])
    for template in HERE.glob("*.template"):
        target = run_dir / template.name.removesuffix(".template")
        target.write_text(render_text(template.read_text(), values))
    return run_dir / "nginx.conf"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python gateway/render.py RUN_DIR")
    try:
        print(render(Path(sys.argv[1])))
    except GatewayConfigError as exc:
        sys.exit(f"gateway config: {exc}")
