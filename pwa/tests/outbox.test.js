// The sales outbox on fake-indexeddb, with an injected clock and timers.
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import {
  OUTBOX_LOCK,
  SYNC_TAG,
  connectOutbox,
  createOutbox,
  newUuid,
  requestBackgroundSync,
  requestPersistentStorage,
} from '../src/outbox.js'

const DAY = 24 * 60 * 60 * 1000
let users = 0

const reply = (status, body = null, headers = {}) =>
  new Response(body == null ? null : JSON.stringify(body), {
    status,
    headers: body == null ? headers : { 'Content-Type': 'application/problem+json', ...headers },
  })
const offline = () => Promise.reject(new TypeError('Failed to fetch'))

/** An outbox for a fresh user; `answers` are used in turn, the last one repeats. */
function setup({ answers = [reply(201, {})], locks = undefined, userId = `u${++users}`, ...env } = {}) {
  const clock = { now: Date.parse('2026-11-25T08:00:00Z') }
  const timers = []
  const sent = []
  let n = 0
  const fetch = vi.fn(async (path, init) => {
    sent.push({ path, key: init.headers['Idempotency-Key'], body: JSON.parse(init.body), at: clock.now })
    const answer = answers[Math.min(n++, answers.length - 1)]
    return typeof answer === 'function' ? answer(init) : answer.clone()
  })
  let ids = 0
  const outbox = createOutbox({
    userId,
    fetch,
    now: () => clock.now,
    random: () => 0.5,
    setTimeout: (fn, ms) => timers.push({ fn, at: clock.now + ms }) - 1,
    clearTimeout: () => {},
    uuid: () => `key-${++ids}`,
    locks,
    ...env,
  })
  return { outbox, fetch, sent, clock, timers, userId }
}
const sale = (n) => ({
  path: '/payments/businesses/water/sales',
  body: { lines: [{ product_id: n, quantity: '1' }], method: 'cash' },
})

describe('outbox', () => {
  it('gives each sale its idempotency key when it is created, before any attempt', async () => {
    const { outbox, fetch } = setup()
    const item = await outbox.enqueue(sale(1))
    expect(item.key).toBe('key-2') // key-1 is the outbox's own lease id
    expect(fetch).not.toHaveBeenCalled()
    expect(await outbox.count()).toBe(1)
    expect((await outbox.pending())[0].key).toBe('key-2')
  })

  it('replays in order with the key in an Idempotency-Key header; 2xx acks and removes', async () => {
    const { outbox, sent } = setup({ answers: [reply(201, {}), reply(200, {})] })
    const a = await outbox.enqueue(sale(1))
    const b = await outbox.enqueue(sale(2))
    const result = await outbox.flush({ reason: 'start' })
    expect(sent.map((s) => [s.key, s.body.lines[0].product_id])).toEqual([
      [a.key, 1],
      [b.key, 2],
    ])
    expect(sent[0].path).toBe('/payments/businesses/water/sales')
    expect(result).toMatchObject({ sent: 2, waiting: 0 })
    expect(await outbox.count()).toBe(0)
  })

  it('acks a 409 "already recorded"', async () => {
    const { outbox } = setup({ answers: [reply(409, { title: 'Already recorded', status: 409 })] })
    await outbox.enqueue(sale(1))
    expect(await outbox.flush({ reason: 'start' })).toMatchObject({ sent: 1, waiting: 0, attention: 0 })
    expect(await outbox.attentionCount()).toBe(0)
  })

  it('sends any other 409 to "needs attention"', async () => {
    const { outbox } = setup({ answers: [reply(409, { title: 'Conflict', detail: 'Key in use', status: 409 })] })
    await outbox.enqueue(sale(1))
    expect(await outbox.flush({ reason: 'start' })).toMatchObject({ sent: 0, attention: 1 })
    expect(await outbox.attentionCount()).toBe(1)
  })

  it('keeps a sale on network error and retries it later with backoff, same key', async () => {
    const { outbox, sent, clock, timers } = setup({ answers: [offline, reply(201, {})] })
    await outbox.enqueue(sale(1))
    await outbox.flush({ reason: 'start' })
    expect(await outbox.count()).toBe(1)
    const [item] = await outbox.pending()
    expect(item).toMatchObject({ attempts: 1, retryReason: 'network', retryAt: clock.now + 1000 }) // 0.5 × 2 s
    expect(timers.at(-1).at).toBe(clock.now + 1000)
    await outbox.flush({ reason: 'visible' }) // still backing off
    expect(sent).toHaveLength(1)
    clock.now += 1000
    await timers.at(-1).fn()
    expect(sent.map((s) => s.key)).toEqual([item.key, item.key])
    expect(await outbox.count()).toBe(0)
  })

  it.each([408, 429, 500, 502, 503])('keeps a sale on %i and retries it', async (code) => {
    const { outbox, sent } = setup({ answers: [reply(code, { title: 'busy', status: code })] })
    await outbox.enqueue(sale(1))
    const result = await outbox.flush({ reason: 'start' })
    expect(result).toMatchObject({ sent: 0, attention: 0, waiting: 1 })
    expect((await outbox.pending())[0]).toMatchObject({ attempts: 1, lastError: `HTTP ${code}` })
    expect(sent).toHaveLength(1)
  })

  it('doubles the backoff per attempt and honours Retry-After even on reconnect', async () => {
    const { outbox, sent, clock } = setup({
      answers: [reply(503), reply(503), reply(429, null, { 'Retry-After': '120' })],
    })
    await outbox.enqueue(sale(1))
    await outbox.flush({ reason: 'start' })
    clock.now += 1000
    await outbox.flush({ reason: 'timer' })
    expect((await outbox.pending())[0].retryAt).toBe(clock.now + 2000) // 0.5 × 4 s
    clock.now += 2000
    await outbox.flush({ reason: 'timer' })
    expect((await outbox.pending())[0]).toMatchObject({ retryReason: 'retry-after', retryAt: clock.now + 120_000 })
    await outbox.flush({ reason: 'online' })
    expect(sent).toHaveLength(3)
  })

  it('moves any other 4xx to "needs attention" with the problem, and goes on with the next sale', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Invalid sale',
      status: 422,
      detail: 'Product 9 is not sold here',
      request_id: 'r-1',
    }
    const { outbox, sent } = setup({ answers: [reply(422, problem), reply(201, {})] })
    const bad = await outbox.enqueue(sale(9))
    await outbox.enqueue(sale(2))
    const result = await outbox.flush({ reason: 'start' })
    expect(result).toMatchObject({ sent: 1, attention: 1, waiting: 0 })
    expect(sent).toHaveLength(2)
    const [held] = await outbox.attention()
    expect(held).toMatchObject({ key: bad.key, status: 422, problem })
  })

  it('keeps the order: a failing first sale holds back the ones after it', async () => {
    const { outbox, sent } = setup({ answers: [offline] })
    await outbox.enqueue(sale(1))
    await outbox.enqueue(sale(2))
    await outbox.flush({ reason: 'start' })
    expect(sent.map((s) => s.body.lines[0].product_id)).toEqual([1])
    expect(await outbox.count()).toBe(2)
  })

  it('keeps a sale on 401 and waits for a new login', async () => {
    const { outbox } = setup({ answers: [reply(401, { title: 'Unauthorized', status: 401 })] })
    await outbox.enqueue(sale(1))
    expect(await outbox.flush({ reason: 'start' })).toMatchObject({ auth: true, waiting: 1 })
    expect(await outbox.attentionCount()).toBe(0)
  })

  it('never expires a sale', async () => {
    const { outbox, clock, sent } = setup({ answers: [offline, reply(201, {})] })
    const item = await outbox.enqueue(sale(1))
    await outbox.flush({ reason: 'start' })
    clock.now += 60 * DAY
    expect(await outbox.count()).toBe(1)
    await outbox.flush({ reason: 'online' })
    expect(sent.at(-1).key).toBe(item.key)
    expect(await outbox.count()).toBe(0)
  })

  it('flushes only under the Web Lock, and skips when another tab holds it', async () => {
    const request = vi.fn((name, options, fn) => fn(null))
    const { outbox, sent } = setup({ locks: { request } })
    await outbox.enqueue(sale(1))
    expect(await outbox.flush({ reason: 'start' })).toMatchObject({ busy: true, waiting: 1 })
    expect(request).toHaveBeenCalledWith(OUTBOX_LOCK, { ifAvailable: true }, expect.any(Function))
    expect(sent).toHaveLength(0)
    request.mockImplementation((name, options, fn) => fn({ name }))
    await outbox.flush({ reason: 'start' })
    expect(sent).toHaveLength(1)
  })

  it('falls back to a lease in IndexedDB when Web Locks are missing', async () => {
    let release
    const slow = () => new Promise((resolve) => (release = () => resolve(reply(201, {}))))
    const first = setup({ answers: [slow] })
    const second = setup({ userId: first.userId, uuid: newUuid }) // another tab: another lease owner
    await first.outbox.enqueue(sale(1))
    const running = first.outbox.flush({ reason: 'start' })
    await vi.waitFor(() => expect(first.sent).toHaveLength(1))
    expect(await second.outbox.flush({ reason: 'start' })).toMatchObject({ busy: true })
    expect(second.sent).toHaveLength(0)
    release()
    await running
    await second.outbox.enqueue(sale(2))
    expect(await second.outbox.flush({ reason: 'start' })).toMatchObject({ sent: 1 })
  })

  it('tries at once after a network failure when a poll succeeds, but not after a server error', async () => {
    const net = setup({ answers: [offline, reply(201, {})] })
    await net.outbox.enqueue(sale(1))
    await net.outbox.flush({ reason: 'start' })
    await net.outbox.flush({ reason: 'poll' })
    expect(net.sent).toHaveLength(2)

    const server = setup({ answers: [reply(500), reply(201, {})] })
    await server.outbox.enqueue(sale(1))
    await server.outbox.flush({ reason: 'start' })
    await server.outbox.flush({ reason: 'poll' })
    expect(server.sent).toHaveLength(1)
  })

  it('lets the user retry a refused sale with a new key, or delete it explicitly', async () => {
    const { outbox, sent } = setup({ answers: [reply(422, { title: 'Invalid', status: 422 }), reply(201, {})] })
    const first = await outbox.enqueue(sale(1))
    await outbox.enqueue(sale(2))
    await outbox.flush({ reason: 'start' })
    await outbox.enqueue(sale(3))
    const again = await outbox.retry(first.key)
    expect(again.key).not.toBe(first.key)
    expect(await outbox.attentionCount()).toBe(0)
    await outbox.flush({ reason: 'manual' })
    expect(sent.at(-1).key).toBe(again.key)
    expect(await outbox.count()).toBe(0)
  })

  it('asks for persistent storage once', async () => {
    const storage = { persisted: vi.fn(async () => false), persist: vi.fn(async () => true) }
    expect(await requestPersistentStorage(storage)).toBe(true)
    expect(storage.persist).toHaveBeenCalledOnce()
    storage.persisted.mockResolvedValue(true)
    await requestPersistentStorage(storage)
    expect(storage.persist).toHaveBeenCalledOnce()
    expect(await requestPersistentStorage(undefined)).toBe(false)
  })

  it('flushes on app start, online, page visible and a successful poll', async () => {
    const outbox = { flush: vi.fn(async () => ({})) }
    const win = new EventTarget()
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    const triggers = connectOutbox(outbox, win, doc)
    win.dispatchEvent(new Event('online'))
    doc.dispatchEvent(new Event('visibilitychange'))
    triggers.polled()
    expect(outbox.flush.mock.calls.map(([o]) => o.reason)).toEqual(['start', 'online', 'visible', 'poll'])
    triggers.stop()
    win.dispatchEvent(new Event('online'))
    expect(outbox.flush).toHaveBeenCalledTimes(4)
  })

  it('registers Background Sync where the browser has it', async () => {
    const registration = { sync: { register: vi.fn(async () => {}) } }
    expect(await requestBackgroundSync(registration)).toBe(true)
    expect(registration.sync.register).toHaveBeenCalledWith(SYNC_TAG)
    expect(await requestBackgroundSync({})).toBe(false)
  })

  it('makes v4 UUIDs', () => {
    expect(newUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
