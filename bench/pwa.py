"""The PWA's budgets (issue 7), measured through the real gateway in headless Debian Chromium.

- First load: the JS + CSS that index.html pulls in, as the gateway sends them gzipped.
- Largest contentful paint of the login screen and of the signed-in dashboard, cold cache, with
  the network throttled to slow 4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up) and the CPU
  slowed 4x, through a CDP session.
- Bytes on the wire in one visible hour on the dashboard with nothing changing: the page runs on
  the browser's fake clock (real cadence: 15 s ± 10 % per resource). Every response's
  encodedDataLength (headers + body, from CDP) and every request's header bytes are summed after
  the first full answers. Two cases: a user who touches the phone every 4 minutes (polling never
  parks; five simulated minutes scaled to 60), and nobody touching it (polling parks after
  5 idle minutes; fifteen simulated minutes are the whole hour's traffic).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import requests
from playwright.sync_api import Page, sync_playwright

from bench.harness import Context, Row

AREA = "pwa"
COMMAND = "make bench BENCH=pwa"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
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
    total = sum(_wire_bytes(f"{ctx.url}{u}") for u in assets)
    return [
        Row(
            AREA,
            "first load JS + CSS, gzipped (budget 100 KB)",
            "KB",
            [total / 1024],
            note=f"{len(assets)} files named by index.html, bytes as the gateway sends them",
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


def _poll_bytes(
    ctx: Context, browser, session: dict, segments: list[tuple[int, int]], touch: bool
) -> tuple[int, int]:
    """Bytes both ways and the number of API requests while the dashboard runs on the page's
    fake clock, after its first full answers, for each (seconds, step) segment in turn; `touch`
    keeps the user active. A poll's timer is re-armed when its answer arrives, which the clock
    sees at the end of a step, so the steps are 1 s wherever polls happen."""
    context = browser.new_context(base_url=ctx.url, viewport=PHONE, service_workers="block")
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
    elapsed = 0
    for seconds, step in segments:
        for _ in range(seconds // step):
            if touch and elapsed % TOUCH_EVERY_S == 0:
                page.evaluate("document.dispatchEvent(new Event('pointerdown'))")
            page.clock.run_for(step * 1000)
            elapsed += step
            page.wait_for_timeout(30)
    page.wait_for_timeout(500)
    context.close()
    polls = [r for r in seen.values() if r["api"] and r["counted"]]
    return sum(r["out"] + r["in"] for r in polls), len(polls)


def polling_hour(ctx: Context, browser) -> list[Row]:
    session = _session(ctx)
    active, idle, per_poll, counts = [], [], [], []
    for _ in range(ctx.repeats):
        total, polls = _poll_bytes(ctx, browser, session, [(SIMULATED_S, 1)], touch=True)
        active.append(total * 3600 / SIMULATED_S / 1024)
        per_poll.append(total / max(1, polls))
        counts.append(polls)
        # Polls stop 5 minutes in; the rest of the quarter hour shows nothing more is sent.
        total, _ = _poll_bytes(ctx, browser, session, [(330, 1), (IDLE_S - 330, 10)], touch=False)
        idle.append(total / 1024)
    return [
        Row(
            AREA,
            "bytes per visible hour on the dashboard, user active all hour (budget 150 KB)",
            "KB",
            active,
            note=(
                f"{counts[0]} polls in {SIMULATED_S // 60} simulated min on the page's fake clock (a touch every "
                f"{TOUCH_EVERY_S // 60} min), CDP encodedDataLength + request header bytes, HTTP/1.1, "
                "scaled to 60 min"
            ),
            command=COMMAND,
        ),
        Row(
            AREA,
            "bytes per visible hour on the dashboard, nobody touching (budget 150 KB)",
            "KB",
            idle,
            note=f"{IDLE_S // 60} simulated min: polling parks after 5 idle min, so this is the hour's total",
            command=COMMAND,
        ),
        Row(AREA, "bytes per unchanged poll (304), both ways", "B", per_poll, command=COMMAND),
    ]


def run(ctx: Context) -> list[Row]:
    rows = first_load(ctx)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rows += lcp(ctx, browser)
            rows += polling_hour(ctx, browser)
        finally:
            browser.close()
    return rows
