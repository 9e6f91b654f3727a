/**
 * The outbox: sales recorded on the phone wait here (IndexedDB, one database per user) until the
 * server has them. Each sale gets its idempotency key when it is created, so every replay is the
 * same request and the server records it once.
 *
 * - 2xx (a replay answers the original 201), or a 409 whose problem says "already recorded"
 *                                           → acknowledged, removed;
 * - no answer, timeout, 408, 429, 5xx       → kept, retried later with backoff (Retry-After honoured);
 * - 401                                     → kept, waits for the user to log in again;
 * - any other 4xx                           → moved to "needs attention", shown to the user.
 * Nothing is ever dropped silently and nothing expires. One tab or worker flushes at a time.
 *
 * Workbox's BackgroundSyncPlugin is not used on purpose: it drops requests on 5xx and after 7 days.
 */
import { openDB } from 'idb'
import { parseRetryAfter } from './poller.js'

export const OUTBOX_LOCK = 'tomtin-outbox'
export const SYNC_TAG = 'tomtin-outbox'
const ALREADY_RECORDED = /already recorded/i

export const OUTBOX_DEFAULTS = Object.freeze({
  timeoutMs: 15_000,
  backoffBaseMs: 2_000,
  backoffCapMs: 5 * 60_000,
  backoffMinMs: 500,
  retryAfterCapMs: 30 * 60_000,
  leaseMs: 60_000,
})

/** Name of the user's own database (outbox, needs-attention, flush lease). */
export function userDbName(userId) {
  return `tomtin-user-${userId}`
}

export function openUserDb(userId) {
  return openDB(userDbName(userId), 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
      db.createObjectStore('attention', { keyPath: 'key' })
      db.createObjectStore('meta')
    },
    // Another tab is deleting this database (logout): let it.
    blocking(_current, _blocked, event) {
      event.target.close()
    },
  })
}

const browserEnv = () => ({
  fetch: (...args) => globalThis.fetch(...args),
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  random: () => Math.random(),
  uuid: newUuid,
  locks: globalThis.navigator?.locks,
})

/**
 * Create the outbox of one user. `options.fetch(path, init)` sends a request (the page passes
 * api.fetch, which adds the token). `retryTimer: false` (in the service worker) leaves retries
 * to the browser's next `sync` event. `onChange()` is called after every change.
 */
export function createOutbox({ userId, ...options }) {
  const env = { ...browserEnv(), ...OUTBOX_DEFAULTS, retryTimer: true, ...options }
  const owner = env.uuid()
  const dbp = openUserDb(userId)
  let running = null
  let retryTimer = null

  const changed = () => env.onChange?.()

  /** Store a sale to send; its idempotency key is made here, before the first attempt. */
  async function enqueue({ path, body, method = 'POST', label = '', business = null, amount = null }) {
    const item = {
      key: env.uuid(),
      method,
      path,
      body,
      label,
      // Shown on Home as money not sent yet (the server prices the sale; this is the phone's sum).
      business,
      amount,
      createdAt: new Date(env.now()).toISOString(),
      attempts: 0,
      retryAt: 0,
      retryReason: null,
      lastError: null,
    }
    const db = await dbp
    item.seq = await db.add('outbox', item)
    changed()
    return item
  }

  /**
   * Send waiting sales in order. `reason` says what woke us: 'start', 'online', 'manual' and
   * 'sync' try at once (unless the server asked us to wait with Retry-After); 'poll' tries at
   * once if the last failure was the network; anything else waits for the backoff.
   */
  function flush({ reason = 'timer' } = {}) {
    running ??= run(reason).finally(() => {
      running = null
    })
    return running
  }

  async function run(reason) {
    const db = await dbp
    if ((await db.count('outbox')) === 0) return { sent: 0, attention: 0, waiting: 0 }
    const result = await withFlushLock(db, () => drain(db, reason))
    changed()
    return result
  }

  async function drain(db, reason) {
    const result = { sent: 0, attention: 0, waiting: 0, auth: false }
    for (;;) {
      const item = await first(db)
      if (!item) break
      if (!mayTryNow(item, reason)) {
        armRetry(item.retryAt)
        break
      }
      const outcome = await send(item)
      if (outcome.kind === 'ack') {
        await db.delete('outbox', item.seq)
        result.sent += 1
      } else if (outcome.kind === 'attention') {
        await moveToAttention(db, item, outcome)
        result.attention += 1
      } else if (outcome.kind === 'auth') {
        result.auth = true
        break
      } else {
        await keepForRetry(db, item, outcome)
        armRetry(item.retryAt)
        break
      }
      await renewLease(db)
      changed()
    }
    result.waiting = await db.count('outbox')
    return result
  }

  function mayTryNow(item, reason) {
    if (env.now() >= item.retryAt) return true
    if (item.retryReason === 'retry-after') return false
    if (['start', 'online', 'manual', 'sync'].includes(reason)) return true
    return reason === 'poll' && item.retryReason === 'network'
  }

  async function send(item) {
    const controller = new AbortController()
    const timeout = env.setTimeout(() => controller.abort(), env.timeoutMs)
    try {
      const response = await env.fetch(item.path, {
        method: item.method,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key },
        body: JSON.stringify(item.body),
        signal: controller.signal,
      })
      return await classify(response)
    } catch {
      return { kind: 'retry', reason: 'network', error: controller.signal.aborted ? 'timeout' : 'network' }
    } finally {
      env.clearTimeout(timeout)
    }
  }

  async function classify(response) {
    const { status } = response
    if (response.ok) return { kind: 'ack', status }
    if (status === 409) {
      // Only a 409 that says so means the server has the sale; any other conflict needs a person.
      const problem = await readProblem(response)
      if (ALREADY_RECORDED.test(`${problem?.title ?? ''} ${problem?.detail ?? ''}`)) return { kind: 'ack', status }
      return { kind: 'attention', status, problem }
    }
    if (status === 401) return { kind: 'auth', status }
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), env.now())
      return { kind: 'retry', reason: retryAfterMs == null ? 'server' : 'retry-after', status, retryAfterMs }
    }
    return { kind: 'attention', status, problem: await readProblem(response) }
  }

  async function keepForRetry(db, item, outcome) {
    item.attempts += 1
    const ceiling = Math.min(env.backoffCapMs, env.backoffBaseMs * 2 ** (item.attempts - 1))
    let delay = Math.max(env.backoffMinMs, env.random() * ceiling)
    if (outcome.retryAfterMs != null) delay = Math.max(delay, Math.min(outcome.retryAfterMs, env.retryAfterCapMs))
    item.retryAt = env.now() + delay
    item.retryReason = outcome.reason
    item.lastError = outcome.status ? `HTTP ${outcome.status}` : outcome.error
    await db.put('outbox', item)
  }

  async function moveToAttention(db, item, outcome) {
    const tx = db.transaction(['outbox', 'attention'], 'readwrite')
    await Promise.all([
      tx.objectStore('outbox').delete(item.seq),
      tx.objectStore('attention').put({
        ...item,
        status: outcome.status,
        problem: outcome.problem,
        failedAt: new Date(env.now()).toISOString(),
      }),
      tx.done,
    ])
  }

  function armRetry(at) {
    if (!env.retryTimer) return
    env.clearTimeout(retryTimer)
    retryTimer = env.setTimeout(() => flush({ reason: 'timer' }), Math.max(0, at - env.now()))
  }

  /** One flusher across tabs and the worker: Web Locks, else a lease row in IndexedDB. */
  async function withFlushLock(db, fn) {
    if (env.locks?.request) {
      return env.locks.request(OUTBOX_LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : busy()))
    }
    if (!(await takeLease(db))) return busy()
    try {
      return await fn()
    } finally {
      await dropLease(db)
    }
  }

  async function takeLease(db) {
    const tx = db.transaction('meta', 'readwrite')
    const lease = await tx.store.get('lease')
    const free = !lease || lease.owner === owner || lease.expiresAt <= env.now()
    if (free) await tx.store.put({ owner, expiresAt: env.now() + env.leaseMs }, 'lease')
    await tx.done
    return free
  }

  async function renewLease(db) {
    if (!env.locks?.request) await takeLease(db)
  }

  async function dropLease(db) {
    const tx = db.transaction('meta', 'readwrite')
    if ((await tx.store.get('lease'))?.owner === owner) await tx.store.delete('lease')
    await tx.done
  }

  async function busy() {
    return { busy: true, sent: 0, attention: 0, waiting: await (await dbp).count('outbox') }
  }

  return {
    enqueue,
    flush,
    /** Sales still waiting to be sent. */
    count: async () => (await dbp).count('outbox'),
    /** Sales the server refused; the user must look at them. */
    attentionCount: async () => (await dbp).count('attention'),
    pending: async () => (await dbp).getAll('outbox'),
    attention: async () => (await dbp).getAll('attention'),
    /** Send a refused sale again, with a new key: the server recorded nothing for the old one. */
    async retry(key) {
      const db = await dbp
      const tx = db.transaction(['outbox', 'attention'], 'readwrite')
      const item = await tx.objectStore('attention').get(key)
      if (!item) return null
      const { seq, status, problem, failedAt, ...rest } = item
      const fresh = { ...rest, key: env.uuid(), attempts: 0, retryAt: 0, retryReason: null, lastError: null }
      await tx.objectStore('attention').delete(key)
      fresh.seq = await tx.objectStore('outbox').add(fresh)
      await tx.done
      changed()
      return fresh
    },
    /** Delete a refused sale; only ever called after the user confirmed it. */
    async discard(key) {
      await (await dbp).delete('attention', key)
      changed()
    },
    async close() {
      env.clearTimeout(retryTimer)
      await running
      ;(await dbp).close()
    },
  }
}

/** Ask the browser not to evict our data under storage pressure (best effort). */
export async function requestPersistentStorage(storage = globalThis.navigator?.storage) {
  if (!storage?.persist) return false
  if (await storage.persisted?.()) return true
  try {
    return await storage.persist()
  } catch {
    return false
  }
}

/**
 * Flush on app start, `online`, page visible and whenever `poller` reports a real answer
 * (wire its onSuccess to the returned `polled`). Returns { polled, stop }.
 */
export function connectOutbox(outbox, win = window, doc = document) {
  const online = () => outbox.flush({ reason: 'online' })
  const visible = () => doc.visibilityState === 'visible' && outbox.flush({ reason: 'visible' })
  win.addEventListener('online', online)
  doc.addEventListener('visibilitychange', visible)
  outbox.flush({ reason: 'start' })
  return {
    polled: () => outbox.flush({ reason: 'poll' }),
    stop() {
      win.removeEventListener('online', online)
      doc.removeEventListener('visibilitychange', visible)
    },
  }
}

/** Ask for a Background Sync so the worker flushes even if the page is closed. */
export async function requestBackgroundSync(registration) {
  try {
    await registration?.sync?.register(SYNC_TAG)
    return Boolean(registration?.sync)
  } catch {
    return false
  }
}

async function first(db) {
  const cursor = await db.transaction('outbox').store.openCursor()
  return cursor?.value ?? null
}

async function readProblem(response) {
  try {
    const body = await response.json()
    return body && typeof body === 'object' ? body : null
  } catch {
    return null
  }
}

/** crypto.randomUUID where present (Chrome 92+), else a v4 UUID from getRandomValues. */
export function newUuid() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
