"""The PWA's budgets (issue 7), measured through the real gateway in headless Debian Chromium.

- First load: the JS + CSS that index.html pulls in, as the gateway sends them gzipped.
- Largest contentful paint of the login screen and of the signed-in dashboard, cold cache, with
  the network throttled to slow 4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up) and the CPU
  slowed 4x, through a CDP session.
- Bytes on the wire in one visible hour on the dashboard with nothing changing: the page runs on
  the browser's fake clock (real cadence: 15 s ± 10 % per resource), after the first full
  answers. Two cases: a user who touches the phone every 4 minutes (polling never parks; five
  simulated minutes scaled to 60), and nobody touching it (polling parks after 5 idle minutes;
  fifteen simulated minutes are the whole hour's traffic). Both through a second gateway from
  the same template with an access log, twice: plain HTTP/1.1 as in development, and TLS
  (throwaway self-signed certificate) with `listen ... ssl http2` as production renders it.
  Counted at the server: nginx's `$request_length` + `$bytes_sent` per API request (for HTTP/2:
  its frames, headers HPACK-compressed), and the connections' TCP payload from `ss` (TLS records
  included; TCP/IP headers never are). CDP's sum (encodedDataLength + request header lines) is
  only a cross-check in the notes: it reported no received bytes for the 304 polls here, and its
  request headers come decoded (no HPACK).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests
from playwright.sync_api import Page, sync_playwright

from bench.harness import Context, Row
from support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE
from support.tls import self_signed

AREA = "pwa"
COMMAND = "make bench BENCH=pwa"
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
SERVICES = ("accounts", "inventory", "payments", "reporting")
SIMULATED_S = 300
IDLE_S = 900
TOUCH_EVERY_S = 240
LCP = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries()
    resolve(entries[entries.length - 1].startTime)
  }).observe({ type: 'largest-contentful-paint', buffered: true })
})"""


class _Assets(HTMLParser):
    """The scripts and stylesheets index.html loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"])
        if tag == "link" and found.get("rel") in ("stylesheet", "modulepreload") and found.get("href"):
            self.urls.append(found["href"])


def _wire_bytes(url: str) -> int:
    """Body bytes as sent (gzip when the gateway compresses), not decoded."""
    response = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    response.raise_for_status()
    return len(response.raw.read(decode_content=False))


def first_load(ctx: Context) -> list[Row]:
    html = requests.get(f"{ctx.url}/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    parser = _Assets()
    parser.feed(html.text)
    assets = [u for u in parser.urls if re.search(r"\.(js|css)$", u)]
    # The app fetches one language's words before its first paint (a dynamic import): count the
    # larger catalogue too.
    scripts = "".join(requests.get(f"{ctx.url}{u}", timeout=30).text for u in assets if u.endswith(".js"))
    words = sorted(set(re.findall(r"words-[a-z]+-[\w-]+\.js", scripts)))
    largest = max((_wire_bytes(f"{ctx.url}/assets/{name}") for name in words), default=0)
    total = sum(_wire_bytes(f"{ctx.url}{u}") for u in assets) + largest
    return [
        Row(
            AREA,
            "first load JS + CSS, gzipped (budget 100 KB)",
            "KB",
            [total / 1024],
            note=f"{len(assets)} files named by index.html + the larger of {len(words)} language catalogues, "
            "bytes as the gateway sends them",
            command=COMMAND,
        ),
        Row(AREA, "index.html, gzipped", "KB", [_wire_bytes(f"{ctx.url}/") / 1024], command=COMMAND),
    ]


def _throttled_page(browser, ctx: Context, session: dict | None) -> Page:
    context = browser.new_context(base_url=ctx.url, viewport=PHONE, service_workers="block")
    if session:
        context.add_init_script(
            f"localStorage.setItem('tomtin.session', JSON.stringify({json.dumps(session)}))"
        )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page


def _session(ctx: Context) -> dict:
    me = requests.get(f"{ctx.url}/api/auth/me", headers=ctx.headers("owner"), timeout=10)
    me.raise_for_status()
    return {"token": ctx.tokens["owner"], "expiresAt": None, "user": me.json()}


def lcp(ctx: Context, browser) -> list[Row]:
    session = _session(ctx)
    rows = []
    for name, signed_in, ready in (
        ("LCP, login screen", None, "text=Log in"),
        ("LCP, dashboard signed in", session, "text=KES"),
    ):
        samples = []
        for _ in range(ctx.repeats):
            page = _throttled_page(browser, ctx, signed_in)
            page.goto("/", wait_until="load", timeout=60_000)
            page.wait_for_selector(ready, timeout=60_000)
            samples.append(page.evaluate(LCP))
            page.context.close()
        rows.append(
            Row(
                AREA,
                f"{name} (budget 2.5 s)",
                "ms",
                samples,
                note="cold cache, slow 4G (150 ms RTT, 1.6 Mbit/s down) + 4x CPU slowdown via CDP",
                command=COMMAND,
            )
        )
    return rows


@dataclass
class _Counted:
    """A gateway that counts for itself: its JSON access log and its listening port."""

    url: str
    log: Path
    port: int

    def _tcp(self) -> dict[str, int]:
        """TCP payload bytes both ways (TLS records and all) of each open client connection."""
        out = subprocess.run(
            ["ss", "-tinH", "state", "established", f"( sport = :{self.port} )"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # One connection is a line with its addresses, then a line of counters.
        counts, peer = {}, None
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 4 and ":" in fields[-1] and not line.startswith(("\t", " ")):
                peer = fields[-1]
                continue
            acked = re.search(r"bytes_acked:(\d+)", line)
            received = re.search(r"bytes_received:(\d+)", line)
            if peer and (acked or received):
                counts[peer] = int(acked.group(1) if acked else 0) + int(received.group(1) if received else 0)
        return counts

    def mark(self) -> tuple[int, dict[str, int]]:
        return len(self.log.read_text()), self._tcp()

    def since(self, mark: tuple[int, dict[str, int]]) -> dict:
        """Since `mark`: the API requests nginx logged (`requests`, their `in` and `out` HTTP
        bytes, `protocols`) and the TCP payload bytes both ways on the client connections."""
        offset, before = mark
        entries = [json.loads(line) for line in self.log.read_text()[offset:].splitlines() if line.strip()]
        api = [e for e in entries if e["uri"].startswith("/api/")]
        return {
            "requests": len(api),
            "in": sum(e["received"] for e in api),
            "out": sum(e["sent"] for e in api),
            "protocols": sorted({e["http"] for e in api}),
            "tcp": sum(n - before.get(peer, 0) for peer, n in self._tcp().items()),
        }


def _poll_bytes(
    url: str,
    browser,
    session: dict,
    segments: list[tuple[int, int]],
    touch: bool,
    server: _Counted | None = None,
) -> tuple[int, int, dict | None]:
    """Bytes both ways and the number of API requests while the dashboard runs on the page's
    fake clock, after its first full answers, for each (seconds, step) segment in turn; `touch`
    keeps the user active. A poll's timer is re-armed when its answer arrives, which the clock
    sees at the end of a step, so the steps are 1 s wherever polls happen. With a counting
    `server`, also its own figures for the same window (see `_Counted.since`)."""
    context = browser.new_context(base_url=url, viewport=PHONE, service_workers="block")
    context.add_init_script(f"localStorage.setItem('tomtin.session', JSON.stringify({json.dumps(session)}))")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, dict] = {}
    counting = {"on": False}

    def note(event: dict) -> dict:
        return seen.setdefault(event["requestId"], {"api": False, "counted": False, "out": 0, "in": 0})

    def sent(event: dict) -> None:
        row = note(event)
        row["api"] = "/api/" in event["request"]["url"]
        row["counted"] = counting["on"]

    def headers_out(event: dict) -> None:
        # Header lines as sent, plus a request line of about 60 bytes.
        note(event)["out"] = sum(len(k) + len(v) + 4 for k, v in event["headers"].items()) + 60

    def finished(event: dict) -> None:
        note(event)["in"] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestWillBeSentExtraInfo", headers_out)
    cdp.on("Network.loadingFinished", finished)
    page.clock.install()
    page.goto("/")
    page.wait_for_selector("text=Money today")
    page.wait_for_timeout(3_000)  # the first full answers are not "nothing changing"
    page.clock.pause_at((page.evaluate("Date.now()") + 1000) / 1000)
    counting["on"] = True
    mark = server.mark() if server else None
    elapsed = 0
    for seconds, step in segments:
        for _ in range(seconds // step):
            if touch and elapsed % TOUCH_EVERY_S == 0:
                page.evaluate("document.dispatchEvent(new Event('pointerdown'))")
            page.clock.run_for(step * 1000)
            elapsed += step
            page.wait_for_timeout(30)
    page.wait_for_timeout(500)
    counted = server.since(mark) if server else None  # before closing: the connection counts go
    context.close()
    polls = [r for r in seen.values() if r["api"] and r["counted"]]
    return sum(r["out"] + r["in"] for r in polls), len(polls), counted


@contextlib.contextmanager
def _counting_gateway(ctx: Context, tls: bool) -> Iterator[_Counted]:
    """A second gateway from the same template, in front of the bench's services, with a JSON
    access log (the bench stack's own gateway logs nothing). `tls`: rendered as production
    renders it, TLS with a throwaway self-signed certificate and HTTP/2; else plain HTTP/1.1."""
    from support.stack import Stack, free_port

    scratch = Path(tempfile.mkdtemp(prefix="tomtin-bench-gw-"))
    log = scratch / "access.log"
    stack = Stack(only=("gateway",))
    stack.env.update({f"{name.upper()}_PORT": str(ctx.port(name)) for name in SERVICES})
    stack.env.update(
        {"GATEWAY_ACCESS_LOG": f"{log} json", "GATEWAY_WORKERS": ctx.stack.env["GATEWAY_WORKERS"]}
    )
    url, port = stack.url, int(stack.env["GATEWAY_PORT"])
    if tls:
        cert, key = self_signed(scratch, "127.0.0.1", "IP:127.0.0.1")
        port = free_port()
        url = f"https://127.0.0.1:{port}"
        stack.env.update(
            {
                "GATEWAY_TLS_CERT": str(cert),
                "GATEWAY_TLS_KEY": str(key),
                # nginx 1.22: http2 is a listen parameter. The plain port answers /healthz
                # (readiness) and redirects everything else, as production's port 80 does.
                "GATEWAY_LISTEN": f"127.0.0.1:{port} ssl http2",
                "GATEWAY_HTTP_LISTEN": f"127.0.0.1:{stack.env['GATEWAY_PORT']}",
            }
        )
    stack.start()
    try:
        yield _Counted(url, log, port)
    finally:
        stack.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def polling_hour(ctx: Context, browser, tls: bool = False) -> list[Row]:
    """Both hours through a counting gateway: plain HTTP/1.1 as in development, or TLS + HTTP/2
    as in production (then `browser` must accept the self-signed certificate)."""
    session = _session(ctx)
    label = "HTTPS + HTTP/2" if tls else "HTTP/1.1"
    active, active_tcp, idle, per_poll, split, counts = [], [], [], [], [], []
    with _counting_gateway(ctx, tls) as server:
        for _ in range(ctx.repeats):
            cdp_total, cdp_polls, seen = _poll_bytes(
                server.url, browser, session, [(SIMULATED_S, 1)], touch=True, server=server
            )
            polls = max(1, seen["requests"])
            total = seen["in"] + seen["out"]
            active.append(total * 3600 / SIMULATED_S / 1024)
            active_tcp.append(seen["tcp"] * 3600 / SIMULATED_S / 1024)
            per_poll.append(total / polls)
            split.append(
                (seen["in"] / polls, seen["out"] / polls, seen["tcp"] / polls, cdp_total / max(1, cdp_polls))
            )
            counts.append(seen["requests"])
            # Polls stop 5 minutes in; the rest of the quarter hour shows nothing more is sent.
            _, _, seen = _poll_bytes(
                server.url, browser, session, [(330, 1), (IDLE_S - 330, 10)], touch=False, server=server
            )
            idle.append((seen["in"] + seen["out"]) / 1024)
    request_b, response_b, tcp_b, cdp_b = (statistics.median(s[i] for s in split) for i in range(4))
    served = (
        "the template rendered with TLS + `listen ... ssl http2` as in production (throwaway self-signed cert)"
        if tls
        else "the template rendered as in development (plain HTTP)"
    )
    counted = (
        f"nginx logged {'/'.join(seen['protocols'])}; bytes counted by nginx: $request_length + $bytes_sent "
        "per API request" + (" (HTTP/2 frames, HPACK-compressed headers; not TLS records)" if tls else "")
    )
    rows = [
        Row(
            AREA,
            f"bytes per visible hour on the dashboard, user active all hour, {label} (budget 150 KB)",
            "KB",
            active,
            note=(
                f"{counts[0]} polls in {SIMULATED_S // 60} simulated min on the page's fake clock (a touch every "
                f"{TOUCH_EVERY_S // 60} min) through {served}; {counted}; scaled to 60 min"
            ),
            command=COMMAND,
        ),
        Row(
            AREA,
            f"bytes per visible hour on the dashboard, nobody touching, {label} (budget 150 KB)",
            "KB",
            idle,
            note=f"{IDLE_S // 60} simulated min: polling parks after 5 idle min, so this is the hour's total",
            command=COMMAND,
        ),
        Row(
            AREA,
            f"bytes per unchanged poll (304), both ways, {label}",
            "B",
            per_poll,
            note=(
                f"request {request_b:,.0f} B"
                + (" (HPACK sends the repeated token and headers as table indexes)" if tls else "")
                + f", response {response_b:,.0f} B"
                + (" (nginx 1.22 encodes response headers without HPACK's dynamic table)" if tls else "")
                + f"; {tcp_b:,.0f} B as TCP payload (`ss`); CDP (encodedDataLength + request headers) "
                f"would say {cdp_b:,.0f} B"
            ),
            command=COMMAND,
        ),
    ]
    if tls:
        rows.insert(
            1,
            Row(
                AREA,
                "the same active hour as TCP payload (TLS records included), HTTPS + HTTP/2",
                "KB",
                active_tcp,
                note=(
                    "`ss` bytes_received + bytes_acked of the browser's connections over the same window (TLS "
                    "framing, HTTP/2 connection frames; not the handshake, nor TCP/IP headers), scaled to 60 min"
                ),
                command=COMMAND,
            ),
        )
    return rows


def run(ctx: Context) -> list[Row]:
    rows = first_load(ctx)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rows += lcp(ctx, browser)
            rows += polling_hour(ctx, browser)
        finally:
            browser.close()
        # Only this browser accepts the throwaway certificate.
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"]
        )
        try:
            rows += polling_hour(ctx, browser, tls=True)
        finally:
            browser.close()
    return rows
