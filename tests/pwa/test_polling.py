"""Polling in a real page on the browser's fake clock: 15 s visible, 60 s hidden, parked after
5 idle minutes, and at once on activity."""

import pytest

from .conftest import pick_business, sign_in

pytestmark = pytest.mark.e2e

TODAY = "/api/reports/businesses/water/today"
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
  document.dispatchEvent(new Event('visibilitychange'))
}"""
SHOW = """() => {
  delete document.visibilityState
  delete document.hidden
  document.dispatchEvent(new Event('visibilitychange'))
}"""


class Clock:
    """Step the page's clock a second at a time, noting the fake time of each poll of TODAY."""

    def __init__(self, page):
        self.page = page
        self.now = 0.0
        self.polls: list[float] = []
        page.on(
            "request", lambda r: r.method == "GET" and r.url.endswith(TODAY) and self.polls.append(self.now)
        )

    def run(self, seconds: float, step: float = 1.0) -> None:
        for _ in range(round(seconds / step)):
            self.page.clock.run_for(int(step * 1000))
            self.now += step
            self.page.wait_for_timeout(25)  # real time: let the answer arrive and re-arm the timer

    def gaps(self, since: float) -> list[float]:
        times = [t for t in self.polls if t >= since]
        return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_hidden_page_slows_to_60_s_idle_page_stops_and_activity_resumes_at_once(stack, logins, page):
    page.clock.install()
    sign_in(page, logins["staff"])
    pick_business(page, "Water")  # the last user activity: the idle clock starts here
    page.wait_for_timeout(1000)
    page.clock.pause_at((page.evaluate("Date.now()") + 1000) / 1000)
    clock = Clock(page)

    clock.run(40)
    assert clock.gaps(0) and all(13 <= g <= 17 for g in clock.gaps(0)), clock.polls

    hidden_at = clock.now
    page.evaluate(HIDE)
    clock.run(150)
    hidden = [t for t in clock.polls if t > hidden_at]
    gaps = clock.gaps(hidden[0])
    assert len(gaps) >= 1 and all(53 <= g <= 67 for g in gaps), clock.polls

    shown_at = clock.now
    before = len(clock.polls)
    page.evaluate(SHOW)
    page.wait_for_timeout(300)
    assert len(clock.polls) == before + 1, "becoming visible polls at once"

    # Coming back to the page counts as activity: 5 idle minutes run from shown_at.
    clock.run(300 + 150, step=5)
    last = clock.polls[-1]
    # Polls are noted to the 5 s step: the last one falls in the final 16.5 s (+ a step) before idle.
    assert shown_at + 300 - 17 - 5 <= last <= shown_at + 300 + 5, clock.polls
    assert clock.now - last >= 120, "parked: nothing sent while idle"

    before = len(clock.polls)
    page.mouse.wheel(0, 40)  # activity, with the clock standing still
    page.wait_for_timeout(500)
    assert len(clock.polls) == before + 1, "activity after idle polls at once"
