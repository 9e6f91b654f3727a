// One test per polling rule (README "Polling rules"). Time is vitest's fake clock, injected.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connectPoller, createPoller, mergeById, parseRetryAfter } from '../src/poller.js'

const T0 = Date.parse('2026-11-25T08:00:00Z')
const S = 1000
const MIN = 60 * S

function ok(body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}
function status(code, headers = {}) {
  return new Response(code === 304 ? null : '{}', { status: code, headers })
}
const today = (revenue = '10.00', asOf = new Date(Date.now()).toISOString()) => ({ revenue, as_of: asOf })

/** A poller on the fake clock; `respond(url, init, n)` answers the n-th request. */
function setup({ respond = () => ok(today()), random = () => 0.5, ...env } = {}) {
  const calls = []
  const start = Date.now()
  const fetch = vi.fn(async (url, init) => {
    calls.push({ url, init, at: Date.now() - start })
    return respond(url, init, calls.length)
  })
  let visible = true
  const poller = createPoller({
    fetch,
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
    random,
    isVisible: () => visible,
    ...env,
  })
  return {
    poller,
    calls,
    times: () => calls.map((c) => c.at),
    setVisible(value) {
      visible = value
      poller.visibilityChanged()
    },
  }
}
const tick = (ms) => vi.advanceTimersByTimeAsync(ms)
/** A response that arrives after `ms` of fake time. */
const later = (ms, response) => new Promise((resolve) => setTimeout(() => resolve(response()), ms))

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('poller', () => {
  it('polls each resource on its own timer, with one scheduler per service', async () => {
    const { poller, calls } = setup({
      respond: (url) => (url.includes('slow') ? later(5 * S, () => ok(today())) : ok(today())),
    })
    expect(poller.service('inventory')).toBe(poller.service('inventory'))
    expect(poller.service('inventory')).not.toBe(poller.service('payments'))
    poller.service('inventory').watch({ url: '/fast' })
    poller.service('payments').watch({ url: '/slow' })
    await tick(21 * S)
    const at = (url) => calls.filter((c) => c.url === url).map((c) => c.at)
    expect(at('/fast')).toEqual([0, 15 * S])
    expect(at('/slow')).toEqual([0, 20 * S]) // its own timer: 5 s answer + 15 s
  })

  it('polls every 15 s while the page is visible', async () => {
    const { poller, times } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(15 * S - 1)
    expect(times()).toEqual([0])
    await tick(1 + 30 * S)
    expect(times()).toEqual([0, 15 * S, 30 * S, 45 * S])
  })

  it('polls every 60 s while the page is hidden', async () => {
    const { poller, times, setVisible } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(S)
    setVisible(false)
    await tick(2 * MIN)
    expect(times()).toEqual([0, 60 * S, 120 * S])
  })

  it('stops after 5 minutes without user activity, and activity keeps it going', async () => {
    const { poller, times } = setup()
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(5 * MIN)
    const before = times().length
    expect(times().at(-1)).toBeLessThan(5 * MIN)
    await tick(10 * MIN)
    expect(times().length).toBe(before)
    expect(handle.state().parked).toBe(true)

    const busy = setup()
    busy.poller.service('reporting').watch({ url: '/r' })
    await tick(4 * MIN)
    busy.poller.activity()
    await tick(2 * MIN)
    expect(busy.times().at(-1)).toBe(6 * MIN)
  })

  it('refreshes at once on user activity after idle', async () => {
    const { poller, times } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(7 * MIN)
    const count = times().length
    poller.activity()
    await tick(0)
    expect(times().length).toBe(count + 1)
    expect(times().at(-1)).toBe(7 * MIN)
    await tick(15 * S)
    expect(times().at(-1)).toBe(7 * MIN + 15 * S)
  })

  it('refreshes at once when the page becomes visible', async () => {
    const { poller, times, setVisible } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(S)
    setVisible(false)
    await tick(19 * S)
    expect(times()).toEqual([0])
    setVisible(true)
    await tick(0)
    expect(times()).toEqual([0, 20 * S])
  })

  it('refreshes at once on window focus', async () => {
    const { poller, times } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(5 * S)
    poller.focused()
    await tick(0)
    expect(times()).toEqual([0, 5 * S])
    await tick(15 * S)
    expect(times()).toEqual([0, 5 * S, 20 * S]) // re-armed from the new answer
  })

  it('refreshes at once on reconnect (online event)', async () => {
    const { poller, times } = setup()
    poller.service('reporting').watch({ url: '/r' })
    await tick(7 * S)
    poller.online()
    await tick(0)
    expect(times()).toEqual([0, 7 * S])
  })

  it('refreshes at once on manual refresh', async () => {
    const { poller, times } = setup()
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(3 * S)
    handle.refresh()
    await tick(0)
    expect(times()).toEqual([0, 3 * S])
  })

  it('uses the server-suggested fast cadence, clamped to 2–3 s, for at most 2 minutes', async () => {
    const header = setup({ respond: () => ok({ status: 'PENDING' }, { 'X-Poll-Interval': '1' }) })
    header.poller.service('payments').watch({ url: '/payments/1' })
    await tick(10 * S)
    expect(header.times()).toEqual([0, 2 * S, 4 * S, 6 * S, 8 * S, 10 * S]) // 1 s clamped up to 2 s
    await tick(2 * MIN + 30 * S)
    const gaps = header
      .times()
      .slice(-3)
      .map((t, i, all) => (i ? t - all[i - 1] : null))
      .slice(1)
    expect(gaps).toEqual([15 * S, 15 * S]) // bounded: back to normal after ~2 min

    const body = setup({ respond: () => ok({ status: 'PENDING', poll_after_ms: 10_000 }) })
    body.poller.service('payments').watch({ url: '/payments/2' })
    await tick(9 * S)
    expect(body.times()).toEqual([0, 3 * S, 6 * S, 9 * S]) // 10 s clamped down to 3 s
  })

  it('ends the fast cadence when the hint is not faster than normal (a settled payment says 15 s)', async () => {
    let pending = true
    const { poller, times } = setup({
      respond: () => ok({ status: pending ? 'pending' : 'paid', poll_after_ms: pending ? 2500 : 15_000 }),
    })
    poller.service('payments').watch({ url: '/payments/3' })
    await tick(5 * S)
    expect(times()).toEqual([0, 2375, 4750]) // 2.5 s less up to 10 % jitter (never more)
    pending = false
    await tick(2375)
    expect(times()).toEqual([0, 2375, 4750, 7125]) // this answer is settled
    await tick(15 * S)
    expect(times()).toEqual([0, 2375, 4750, 7125, 22125])
  })

  it('never overlaps requests: one in flight per resource, re-armed after the answer', async () => {
    const { poller, times } = setup({ respond: () => later(40 * S, () => ok(today())), timeoutMs: MIN })
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(5 * S)
    handle.refresh()
    poller.focused()
    poller.online()
    await tick(30 * S)
    expect(times()).toEqual([0])
    await tick(5 * S) // answer at 40 s
    await tick(15 * S - 1)
    expect(times()).toEqual([0])
    await tick(1)
    expect(times()).toEqual([0, 55 * S])
  })

  it('adds a little jitter so services do not fire together', async () => {
    const low = setup({ random: () => 0 })
    low.poller.service('inventory').watch({ url: '/a' })
    const high = setup({ random: () => 0.999 })
    high.poller.service('payments').watch({ url: '/b' })
    await tick(20 * S)
    expect(low.times()[1]).toBe(13.5 * S)
    expect(high.times()[1]).toBeGreaterThan(16 * S)
    expect(high.times()[1]).toBeLessThanOrEqual(16.5 * S)
  })

  it('aborts every request after a timeout (AbortController)', async () => {
    let signal
    const { poller } = setup({
      timeoutMs: 10 * S,
      respond: (url, init) =>
        new Promise((resolve, reject) => {
          signal = init.signal
          init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        }),
    })
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(10 * S - 1)
    expect(signal.aborted).toBe(false)
    await tick(1)
    expect(signal.aborted).toBe(true)
    expect(handle.state().error).toEqual({ kind: 'timeout' })
  })

  it('sends If-None-Match with the last ETag; a 304 keeps the data and does not re-render', async () => {
    const onData = vi.fn()
    const { poller, calls } = setup({
      respond: (url, init, n) => (n === 1 ? ok(today('99.00'), { ETag: '"v1"' }) : status(304, { ETag: '"v1"' })),
    })
    const handle = poller.service('reporting').watch({ url: '/r', onData })
    await tick(15 * S)
    expect(calls[0].init.headers['If-None-Match']).toBeUndefined()
    expect(calls[1].init.headers['If-None-Match']).toBe('"v1"')
    expect(onData).toHaveBeenCalledTimes(1)
    expect(handle.state().data.revenue).toBe('99.00')
    expect(handle.state().freshAt).toBe(T0 + 15 * S) // the 304 confirmed the data is current
  })

  it('skips the gateway micro-cache (Cache-Control: no-cache) only on fast and manual polls', async () => {
    const { poller, calls } = setup({
      respond: (url, init, n) => ok(n <= 2 ? { status: 'pending', poll_after_ms: 2500 } : { status: 'paid' }),
    })
    const handle = poller.service('payments').watch({ url: '/payments/mpesa/1' })
    await tick(2.5 * S) // the 2nd poll, fast
    await tick(2.5 * S) // the 3rd poll, fast: this one answers "paid" without a hint
    await tick(15 * S) // the 4th poll, normal cadence
    handle.refresh() // the 5th, manual
    await tick(0)
    const noCache = calls.map((c) => c.init.headers['Cache-Control'] ?? null)
    expect(noCache).toEqual([null, 'no-cache', 'no-cache', null, 'no-cache'])

    const waited = setup()
    waited.poller.service('payments').watch({ url: '/payments/mpesa/2', fresh: true })
    await tick(15 * S)
    expect(waited.calls.map((c) => c.init.headers['Cache-Control'])).toEqual(['no-cache', 'no-cache'])
  })

  it('asks only for changes (changed_since = last as_of) and merges them', async () => {
    const first = { items: [{ id: 1, name: 'Refill 20 L', price: '50.00' }], as_of: '2026-11-25T08:00:00+00:00' }
    const delta = {
      items: [
        { id: 1, name: 'Refill 20 L', price: '60.00' },
        { id: 2, name: 'Bottle' },
      ],
      as_of: '2026-11-25T08:00:15Z',
    }
    const { poller, calls } = setup({ respond: (url, init, n) => ok(n === 1 ? first : delta) })
    const handle = poller.service('inventory').watch({ url: '/inventory/businesses/water/products', delta: true })
    await tick(15 * S)
    expect(calls[0].url).toBe('/inventory/businesses/water/products')
    expect(calls[1].url).toBe('/inventory/businesses/water/products?changed_since=2026-11-25T08%3A00%3A00%2B00%3A00')
    expect(handle.state().data.items).toEqual(delta.items)
    expect(handle.state().asOf).toBe('2026-11-25T08:00:15Z')
  })

  it('backs off exponentially on errors, capped, with full jitter', async () => {
    const half = setup({ respond: () => Promise.reject(new TypeError('Failed to fetch')) })
    half.poller.service('reporting').watch({ url: '/r' })
    await tick(10 * MIN)
    const gaps = half
      .times()
      .map((t, i, all) => (i ? t - all[i - 1] : 0))
      .slice(1, 9)
    // random 0.5 × min(120 s, 5 s × 2^n): 2.5, 5, 10, 20, 40, then the cap's half (60 s).
    expect(gaps).toEqual([2.5 * S, 5 * S, 10 * S, 20 * S, 40 * S, 60 * S, 60 * S, 60 * S])

    const full = setup({ random: () => 0.9, respond: () => Promise.reject(new TypeError('Failed to fetch')) })
    full.poller.service('reporting').watch({ url: '/r' })
    await tick(20 * S)
    expect(full.times().slice(0, 3)).toEqual([0, 4.5 * S, 13.5 * S]) // 0.9 × 5 s, then 0.9 × 10 s
  })

  it('honours Retry-After, even against a manual refresh', async () => {
    const { poller, times } = setup({
      respond: (url, init, n) => (n === 1 ? status(503, { 'Retry-After': '30' }) : ok(today())),
    })
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(10 * S)
    handle.refresh()
    await tick(19 * S)
    expect(times()).toEqual([0])
    await tick(S)
    expect(times()).toEqual([0, 30 * S])
    expect(parseRetryAfter('Wed, 25 Nov 2026 08:01:00 GMT', T0)).toBe(MIN)
  })

  it('resets the backoff after a success', async () => {
    const failures = new Set([1, 2, 3, 5])
    const { poller, times } = setup({
      respond: (url, init, n) => (failures.has(n) ? Promise.reject(new TypeError('offline')) : ok(today())),
    })
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(17.5 * S) // fails at 0, 2.5, 7.5; succeeds at 17.5
    expect(handle.state().failures).toBe(0)
    await tick(15 * S) // fails at 32.5 → first backoff step again
    expect(handle.state().failures).toBe(1)
    await tick(2.5 * S)
    expect(times()).toEqual([0, 2.5 * S, 7.5 * S, 17.5 * S, 32.5 * S, 35 * S])
  })

  it('judges reachability from real answers; online/offline events are only hints', async () => {
    let up = true
    const seen = []
    const { poller, times } = setup({
      respond: () => (up ? ok(today()) : Promise.reject(new TypeError('Failed to fetch'))),
      onReachability: (r) => seen.push(r.online),
    })
    poller.service('reporting').watch({ url: '/r' })
    await tick(S)
    expect(poller.reachability().online).toBe(true)
    poller.offline()
    expect(poller.reachability()).toMatchObject({ online: true, hint: 'offline' })
    await tick(14 * S)
    expect(times()).toEqual([0, 15 * S]) // still polling on the hint
    up = false
    await tick(15 * S)
    expect(poller.reachability().online).toBe(false)
    up = true
    poller.online()
    expect(poller.reachability().online).toBe(false) // not until an answer says so
    await tick(0)
    expect(poller.reachability().online).toBe(true)
    expect(seen).toEqual([true, true, false, true])
  })

  it('treats a service-worker cache fallback as unreachable and never shows older data', async () => {
    const fresh = today('200.00', '2026-11-25T08:00:00Z')
    const stale = today('100.00', '2026-11-25T07:00:00Z')
    const { poller } = setup({
      respond: (url, init, n) =>
        n === 1 ? ok(fresh) : ok(stale, { 'X-Tomtin-Source': 'fallback', 'X-Tomtin-Stored-At': String(T0 - 3600 * S) }),
    })
    const handle = poller.service('reporting').watch({ url: '/r' })
    await tick(15 * S)
    expect(handle.state().data.revenue).toBe('200.00')
    expect(handle.state().freshAt).toBe(T0)
    expect(poller.reachability().services.reporting).toBe('unreachable')
  })

  it('stops a resource on 401 and reports it', async () => {
    const onUnauthorized = vi.fn()
    const { poller, times } = setup({ respond: () => status(401), onUnauthorized })
    poller.service('reporting').watch({ url: '/r' })
    await tick(5 * MIN)
    expect(times()).toEqual([0])
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('is wired to the page by connectPoller', async () => {
    const win = new EventTarget()
    const doc = new EventTarget()
    const { poller, times } = setup()
    const disconnect = connectPoller(poller, win, doc)
    poller.service('reporting').watch({ url: '/r' })
    await tick(3 * S)
    win.dispatchEvent(new Event('focus'))
    await tick(3 * S)
    win.dispatchEvent(new Event('online'))
    await tick(7 * MIN)
    const count = times().length
    doc.dispatchEvent(new Event('pointerdown'))
    await tick(0)
    expect(times().slice(0, 3)).toEqual([0, 3 * S, 6 * S])
    expect(times().length).toBe(count + 1)
    disconnect()
    win.dispatchEvent(new Event('focus'))
    await tick(0)
    expect(times().length).toBe(count + 1)
  })

  it('merges deltas by id', () => {
    const merged = mergeById(
      {
        items: [
          { id: 1, v: 1 },
          { id: 2, v: 1 },
        ],
        as_of: 'a',
      },
      {
        items: [
          { id: 2, v: 2 },
          { id: 3, v: 1 },
        ],
        as_of: 'b',
      },
    )
    expect(merged).toEqual({
      items: [
        { id: 1, v: 1 },
        { id: 2, v: 2 },
        { id: 3, v: 1 },
      ],
      as_of: 'b',
    })
  })
})
