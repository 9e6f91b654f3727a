/**
 * Smart polling, the one module every view uses to keep its figures fresh.
 *
 * Rules (DESIGN.md "Caching and polling contract"; README.md explains each):
 * - one scheduler per service, each resource with its own timer and at most one request in flight;
 * - 15 s while visible, 60 s while hidden, ±10 % jitter, timer re-armed only after an answer;
 * - parked after 5 minutes without user activity; refreshed at once on visible, focus,
 *   activity after idle, `online` and manual refresh;
 * - a server hint (`X-Poll-Interval` seconds or `poll_after_ms`) switches a resource to a
 *   2–3 s cadence for at most 2 minutes (a pending M-Pesa payment);
 * - every request has a timeout, sends `If-None-Match`, and asks only for changes
 *   (`changed_since=<as_of>`) where the resource supports it; fast and manual polls send
 *   `Cache-Control: no-cache` so the gateway's micro-cache does not answer them late;
 * - errors back off exponentially with full jitter, honour `Retry-After`, reset on success;
 * - reachability comes from real answers; `online`/`offline` events are only hints.
 *
 * Clock, timers, fetch, randomness and page visibility are injected so tests use a fake clock.
 */

export const POLL_DEFAULTS = Object.freeze({
  visibleMs: 15_000,
  hiddenMs: 60_000,
  idleAfterMs: 5 * 60_000,
  jitter: 0.1,
  timeoutMs: 10_000,
  fastMinMs: 2_000,
  fastMaxMs: 3_000,
  fastForMs: 2 * 60_000,
  backoffBaseMs: 5_000,
  backoffCapMs: 2 * 60_000,
  backoffMinMs: 1_000,
  retryAfterCapMs: 15 * 60_000,
  /** Automatic triggers (focus, visible, online) skip a resource answered this recently. */
  recentMs: 1_000,
})

/** Response header the service worker adds when it answered from its cache (see sw.js). */
export const SOURCE_HEADER = 'X-Tomtin-Source'
/** Client-clock time (ms) at which the service worker stored a cached response. */
export const STORED_AT_HEADER = 'X-Tomtin-Stored-At'

const browserEnv = {
  fetch: (...args) => globalThis.fetch(...args),
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  random: () => Math.random(),
  isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
}

/**
 * Create the polling hub. `options` may replace any of browserEnv and POLL_DEFAULTS, and add
 * `onSuccess()` (a real answer arrived), `onUnauthorized()` (a 401) and
 * `onReachability(summary)`.
 */
export function createPoller(options = {}) {
  const env = { ...browserEnv, ...POLL_DEFAULTS, ...options }
  const schedulers = new Map()
  let lastActivity = env.now()
  let hint = null

  const isIdle = () => env.now() - lastActivity >= env.idleAfterMs
  const all = () => [...schedulers.values()].flatMap((s) => [...s.resources])

  function reachability() {
    const services = Object.fromEntries([...schedulers].map(([name, s]) => [name, s.reach]))
    const known = Object.values(services).filter((r) => r !== 'unknown')
    const online = known.length === 0 ? null : known.some((r) => r !== 'unreachable')
    return { online, hint, services }
  }

  function setReach(scheduler, value) {
    if (scheduler.reach === value) return
    scheduler.reach = value
    env.onReachability?.(reachability())
  }

  function jittered(ms) {
    return ms * (1 - env.jitter + 2 * env.jitter * env.random())
  }

  function arm(r, delay) {
    env.clearTimeout(r.timer)
    r.nextAt = env.now() + delay
    r.timer = env.setTimeout(() => run(r), delay)
  }

  /** Normal cadence after a good answer: fast hint, else visible/hidden interval. */
  function cadence(r) {
    if (r.hintMs && env.now() - r.fastSince < env.fastForMs) {
      // Jitter only ever shortens a server's hint: a pending payment is shown paid no later
      // than the server asked to be asked again.
      return clamp(r.hintMs * (1 - env.jitter * env.random()), env.fastMinMs, env.fastMaxMs)
    }
    return jittered(env.isVisible() ? env.visibleMs : env.hiddenMs)
  }

  /** Full-jitter exponential backoff, never sooner than a server's Retry-After. */
  function backoff(r, retryAfterMs) {
    const ceiling = Math.min(env.backoffCapMs, env.backoffBaseMs * 2 ** (r.failures - 1))
    const delay = Math.max(env.backoffMinMs, env.random() * ceiling)
    if (retryAfterMs == null) return delay
    const hold = Math.min(retryAfterMs, env.retryAfterCapMs)
    r.notBefore = env.now() + hold
    return Math.max(delay, hold)
  }

  function requestUrl(r) {
    if (!(r.spec.delta && r.asOf && r.data !== undefined)) return r.spec.url
    const url = new URL(r.spec.url, 'http://x')
    url.searchParams.set('changed_since', r.asOf)
    return url.pathname + url.search
  }

  function emit(r) {
    r.spec.onState?.(snapshot(r))
  }

  /** Send one request for `r` now, then re-arm its timer from the answer. */
  async function run(r) {
    env.clearTimeout(r.timer)
    r.timer = null
    if (r.stopped || r.inFlight) return
    if (isIdle()) {
      r.parked = true
      emit(r)
      return
    }
    r.parked = false
    const url = requestUrl(r)
    const headers = { Accept: 'application/json' }
    if (r.etag && r.etagUrl === url) headers['If-None-Match'] = r.etag
    // Someone is waiting for a change (a pending payment, a tap on Refresh): skip the gateway's
    // one-second micro-cache, which would otherwise answer a 2.5 s poller one poll late.
    if (r.hintMs || r.wantFresh || r.spec.fresh) headers['Cache-Control'] = 'no-cache'
    r.wantFresh = false
    const controller = new AbortController()
    const timeout = env.setTimeout(() => controller.abort(), env.timeoutMs)
    r.inFlight = controller
    emit(r)
    let answer
    try {
      const response = await env.fetch(url, { headers, signal: controller.signal })
      const body = response.status === 200 ? await response.json() : null
      answer = { response, body }
    } catch {
      answer = { error: controller.signal.aborted ? 'timeout' : 'network' }
    } finally {
      env.clearTimeout(timeout)
      r.inFlight = null
    }
    if (r.stopped) return
    settle(r, url, answer)
    emit(r)
  }

  function settle(r, url, { response, body, error }) {
    r.answeredAt = env.now()
    if (error) return fail(r, { kind: error })
    const scheduler = r.scheduler
    const status = response.status
    const source = response.headers.get(SOURCE_HEADER)
    if (status === 401) {
      setReach(scheduler, 'ok')
      r.error = { kind: 'unauthorized', status }
      stopResource(r)
      env.onUnauthorized?.()
      return
    }
    if (status !== 200 && status !== 304) {
      setReach(scheduler, 'failing')
      return fail(r, { kind: 'http', status }, parseRetryAfter(response.headers.get('Retry-After'), env.now()))
    }
    const etag = response.headers.get('ETag')
    const sameEtag = etag && etag === r.etag && r.etagUrl === url
    const changed = status === 200 && !sameEtag && accept(r, body)
    if (etag && status === 200) {
      r.etag = etag
      r.etagUrl = url
    }
    noteHint(r, response, body)
    // A cached answer proves only what the cache knew when it stored the response.
    r.freshAt = source ? latest(r.freshAt, storedAt(response)) : env.now()
    if (changed) r.spec.onData?.(r.data, snapshot(r))
    if (source === 'fallback') {
      // The worker answered from its cache because the network failed or was too slow.
      return fail(r, { kind: 'network' })
    }
    r.failures = 0
    r.error = null
    if (!source) {
      setReach(scheduler, 'ok')
      env.onSuccess?.()
    }
    arm(r, cadence(r))
  }

  /** Take a 200 body unless it is older than what we show; merge deltas. True if data changed. */
  function accept(r, body) {
    if (!body) return false
    const asOf = body.as_of ?? null
    if (r.asOf && asOf && Date.parse(asOf) < Date.parse(r.asOf)) return false
    const isDelta = r.spec.delta && r.data !== undefined && r.asOf
    r.asOf = asOf ?? r.asOf
    if (isDelta && !body.items?.length) return false
    r.data = isDelta ? (r.spec.merge ?? mergeById)(r.data, body) : body
    return true
  }

  function noteHint(r, response, body) {
    const header = Number.parseFloat(response.headers.get('X-Poll-Interval'))
    const hintMs = Number.isFinite(header) ? header * 1000 : Number(body?.poll_after_ms)
    // Only a hint faster than the normal cadence means "poll fast"; a slow one (a settled
    // payment says 15 s) ends the fast cadence like an answer without a hint.
    if (Number.isFinite(hintMs) && hintMs > 0 && hintMs < env.visibleMs) {
      r.fastSince ??= env.now()
      r.hintMs = hintMs
    } else if (response.status === 200) {
      // A 304 without the header means "unchanged", so an earlier hint still holds.
      r.fastSince = null
      r.hintMs = null
    }
  }

  function fail(r, error, retryAfterMs) {
    if (error.kind !== 'http') setReach(r.scheduler, 'unreachable')
    r.failures += 1
    r.error = error
    arm(r, backoff(r, retryAfterMs))
  }

  /** An immediate refresh: skipped while a request is in flight, held by Retry-After. */
  function trigger(r, { manual = false } = {}) {
    if (r.stopped || r.inFlight) return
    if (!manual && r.answeredRecently()) return
    if (manual) r.wantFresh = true
    const hold = r.notBefore - env.now()
    if (hold > 0) return arm(r, hold)
    run(r)
  }

  function refreshAll(opts) {
    for (const r of all()) trigger(r, opts)
  }

  function scheduler(name) {
    if (schedulers.has(name)) return schedulers.get(name)
    const s = {
      name,
      reach: 'unknown',
      resources: new Set(),
      /** Poll `spec.url` until the handle is stopped. */
      watch(spec) {
        const r = newResource(s, spec)
        s.resources.add(r)
        run(r)
        return {
          refresh: () => {
            lastActivity = env.now()
            trigger(r, { manual: true })
          },
          stop: () => stopResource(r),
          state: () => snapshot(r),
        }
      },
      refresh: () => s.resources.forEach((r) => trigger(r, { manual: true })),
      stop: () => s.resources.forEach(stopResource),
    }
    schedulers.set(name, s)
    return s
  }

  function newResource(s, spec) {
    const r = {
      scheduler: s,
      spec,
      data: undefined,
      asOf: null,
      etag: null,
      etagUrl: null,
      freshAt: null,
      answeredAt: null,
      error: null,
      failures: 0,
      notBefore: 0,
      fastSince: null,
      hintMs: null,
      wantFresh: false,
      timer: null,
      nextAt: null,
      inFlight: null,
      parked: false,
      stopped: false,
      // A good answer within recentMs makes automatic triggers redundant (focus + visible fire together).
      answeredRecently: () => !r.failures && r.answeredAt != null && env.now() - r.answeredAt < env.recentMs,
    }
    return r
  }

  function stopResource(r) {
    r.stopped = true
    env.clearTimeout(r.timer)
    r.inFlight?.abort()
    r.scheduler.resources.delete(r)
  }

  return {
    /** The scheduler for one service (created on first use). */
    service: scheduler,
    reachability,
    /** The page became visible or hidden. */
    visibilityChanged() {
      if (env.isVisible()) {
        lastActivity = env.now()
        return refreshAll()
      }
      for (const r of all()) {
        if (r.timer && !r.failures && !r.hintMs && r.answeredAt != null) {
          arm(r, Math.max(0, r.answeredAt + jittered(env.hiddenMs) - env.now()))
        }
      }
    },
    focused() {
      lastActivity = env.now()
      refreshAll()
    },
    /** The user touched or typed; after 5 idle minutes this restarts polling. */
    activity() {
      const wasIdle = isIdle() || all().some((r) => r.parked)
      lastActivity = env.now()
      if (wasIdle) refreshAll({ manual: true })
    },
    /** `online` event: only a hint, but a good moment to try every resource now. */
    online() {
      hint = 'online'
      refreshAll()
    },
    /** `offline` event: only a hint; polling goes on and real answers decide reachability. */
    offline() {
      hint = 'offline'
      env.onReachability?.(reachability())
    },
    refreshAll: () => refreshAll({ manual: true }),
    stop: () => all().forEach(stopResource),
  }
}

/** Wire a poller to the page's events; returns a function that unwires them. */
export function connectPoller(poller, win = window, doc = document) {
  const pairs = [
    [doc, 'visibilitychange', () => poller.visibilityChanged()],
    [win, 'focus', () => poller.focused()],
    [win, 'online', () => poller.online()],
    [win, 'offline', () => poller.offline()],
    ...['pointerdown', 'keydown', 'touchstart', 'wheel'].map((type) => [doc, type, () => poller.activity()]),
  ]
  for (const [target, type, fn] of pairs) target.addEventListener(type, fn, { passive: true, capture: true })
  return () => {
    for (const [target, type, fn] of pairs) target.removeEventListener(type, fn, { capture: true })
  }
}

/** Default delta merge for `{items:[{id,...}], as_of}`: changed items replace, new ones append. */
export function mergeById(previous, delta) {
  const byId = new Map((previous?.items ?? []).map((item) => [item.id, item]))
  for (const item of delta.items ?? []) byId.set(item.id, item)
  return { ...previous, ...delta, items: [...byId.values()] }
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent. */
export function parseRetryAfter(value, now) {
  if (value == null || value === '') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

function storedAt(response) {
  const value = Number(response.headers.get(STORED_AT_HEADER))
  return Number.isFinite(value) && value > 0 ? value : null
}

function latest(a, b) {
  if (a == null) return b
  return b == null ? a : Math.max(a, b)
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value))
}

function snapshot(r) {
  return {
    service: r.scheduler.name,
    url: r.spec.url,
    data: r.data,
    asOf: r.asOf,
    freshAt: r.freshAt,
    error: r.error,
    failures: r.failures,
    loading: r.inFlight != null,
    parked: r.parked,
    fast: r.hintMs != null,
    nextAt: r.nextAt,
  }
}
