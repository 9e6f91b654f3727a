import { describe, expect, it, vi } from 'vitest'
import { ApiError, NO_NETWORK, TOO_SLOW, createApi, problemMessage } from '../src/api.js'

const problem = (status, extra = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Bad', status, request_id: 'req-7', ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })

function setup(answer, token = 'tok-1') {
  const fetch = vi.fn(async () => (typeof answer === 'function' ? answer() : answer))
  const onUnauthorized = vi.fn()
  const api = createApi({ fetch, getToken: () => token, onUnauthorized })
  return { api, fetch, onUnauthorized }
}

describe('api', () => {
  it('prefixes /api and sends the Bearer token', async () => {
    const { api, fetch } = setup(new Response('{"ok":true}', { status: 200 }))
    expect(await api.json('/reports/businesses/all/today')).toEqual({ ok: true })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/reports/businesses/all/today')
    expect(init.headers.get('Authorization')).toBe('Bearer tok-1')
  })

  it('sends JSON bodies and no token when auth is false', async () => {
    const { api, fetch } = setup(new Response(null, { status: 204 }))
    expect(await api.json('/auth/login', { method: 'POST', auth: false, body: { username: 'a' } })).toBeNull()
    const [, init] = fetch.mock.calls[0]
    expect(init.headers.has('Authorization')).toBe(false)
    expect(init.headers.get('Content-Type')).toBe('application/json')
    expect(init.body).toBe('{"username":"a"}')
  })

  it('turns problem+json into a readable message with field errors', async () => {
    const { api } = setup(
      problem(422, {
        detail: 'The sale has mistakes.',
        errors: { lines: ['Add at least one item.'], phone_number: ['Use 07XX XXX XXX.'] },
      }),
    )
    const error = await api.json('/payments/businesses/water/sales', { method: 'POST', body: {} }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toBe('The sale has mistakes.\nLines: Add at least one item.\nPhone number: Use 07XX XXX XXX.')
    expect(error).toMatchObject({ status: 422, requestId: 'req-7' })
  })

  it('falls back to plain words when the body is not a problem', async () => {
    const { api } = setup(new Response('<html>502</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }))
    const error = await api.json('/x').catch((e) => e)
    expect(error.message).toBe('The server has a problem. Try again soon.')
    expect(problemMessage(null, 429, '30')).toBe(
      'Too many tries. Wait a little, then try again.\nTry again in 30 seconds.',
    )
  })

  it('says "no internet" on a network failure', async () => {
    const { api } = setup(() => Promise.reject(new TypeError('Failed to fetch')))
    const error = await api.json('/x').catch((e) => e)
    expect(error).toMatchObject({ kind: 'network', message: NO_NETWORK })
  })

  it('times out a request', async () => {
    vi.useFakeTimers()
    const fetch = (url, init) =>
      new Promise((resolve, reject) =>
        init.signal.addEventListener('abort', () => reject(new DOMException('x', 'AbortError'))),
      )
    const api = createApi({ fetch, getToken: () => null, timeoutMs: 5000 })
    const pending = api.json('/x').catch((e) => e)
    await vi.advanceTimersByTimeAsync(5000)
    expect(await pending).toMatchObject({ kind: 'timeout', message: TOO_SLOW })
    vi.useRealTimers()
  })

  it('ends the session on a 401 to an authenticated request', async () => {
    const { api, onUnauthorized } = setup(problem(401))
    await expect(api.json('/auth/me')).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('keeps the session when the 401 answers a token the phone has since replaced', async () => {
    // The request left with the old token; a refresh ended it and stored a new one meanwhile.
    let token = 'old-token'
    const fetch = vi.fn(async () => {
      token = 'new-token'
      return problem(401, { detail: 'This token was logged out; log in again.' })
    })
    const onUnauthorized = vi.fn()
    const api = createApi({ fetch, getToken: () => token, onUnauthorized })
    await expect(api.json('/reports/businesses/all/today')).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('does not end the session on a failed login (401 without a token)', async () => {
    const { api, onUnauthorized } = setup(problem(401, { detail: 'Wrong username or password.' }), null)
    await expect(api.json('/auth/login', { method: 'POST', auth: false, body: {} })).rejects.toMatchObject({
      message: 'Wrong username or password.',
    })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })
})
