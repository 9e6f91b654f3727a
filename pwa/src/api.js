/**
 * Talking to the services through the gateway: base `/api`, the Bearer token, a timeout, and
 * RFC 9457 problem details turned into a message a shop worker can read. A 401 on a request that
 * carried the phone's current token ends the session (the app then shows the login screen); a 401
 * for a token the phone has since replaced says nothing about the session it holds now.
 */
import { clearSession, getToken, replacingSession } from './session.js'

export const API_BASE = '/api'

/** Plain words for when the server sent no problem details (or an HTML error page). */
const STATUS_WORDS = {
  400: 'Some details are wrong. Please check and try again.',
  401: 'Please log in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  408: 'The server took too long. Try again.',
  409: 'This was already done.',
  413: 'This is too big to send.',
  422: 'Some details are wrong. Please check and try again.',
  429: 'Too many tries. Wait a little, then try again.',
}
const SERVER_TROUBLE = 'The server has a problem. Try again soon.'
export const NO_NETWORK = 'No internet connection. Check your data or Wi-Fi and try again.'
export const TOO_SLOW = 'The connection is too slow. Try again.'

/** An error to show the user: `message` is readable, the rest helps support. */
export class ApiError extends Error {
  constructor(message, { status = 0, kind = 'http', problem = null, retryAfter = null } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.kind = kind
    this.problem = problem
    this.requestId = problem?.request_id ?? null
    this.fieldErrors = problem?.errors ?? {}
    this.retryAfter = retryAfter
  }
}

/** Turn a problem+json body (or nothing) into one readable message. */
export function problemMessage(problem, status, retryAfter = null) {
  const main =
    problem?.detail ||
    problem?.title ||
    STATUS_WORDS[status] ||
    (status >= 500 ? SERVER_TROUBLE : `Something went wrong (error ${status}).`)
  const lines = [main]
  for (const [field, messages] of Object.entries(problem?.errors ?? {})) {
    lines.push(`${fieldLabel(field)}: ${[].concat(messages).join(' ')}`)
  }
  const seconds = Number(retryAfter)
  if (status === 429 && Number.isFinite(seconds) && seconds > 0) {
    lines.push(`Try again in ${seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`)
  }
  return lines.join('\n')
}

function fieldLabel(field) {
  const words = field.replace(/[_.]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * Build an API client. Injected: `fetch`, `getToken()`, `onUnauthorized()`; defaults are the
 * browser's fetch and the stored session.
 */
export function createApi({
  fetch = (...args) => globalThis.fetch(...args),
  getToken: token = getToken,
  onUnauthorized = () => (replacingSession() ? undefined : clearSession()),
  base = API_BASE,
  timeoutMs = 15_000,
} = {}) {
  /** Send a request; resolves to the Response (any status), rejects on network failure. */
  async function send(path, { auth = true, timeoutMs: limit, headers, signal, ...init } = {}) {
    const all = new Headers(headers)
    if (!all.has('Accept')) all.set('Accept', 'application/json')
    if (typeof init.body === 'string' && !all.has('Content-Type')) all.set('Content-Type', 'application/json')
    const bearer = auth ? token() : null
    if (bearer) all.set('Authorization', `Bearer ${bearer}`)
    const controller = new AbortController()
    const abort = () => controller.abort()
    signal?.addEventListener('abort', abort, { once: true })
    if (signal?.aborted) abort()
    const timer = limit ? setTimeout(abort, limit) : null
    try {
      const response = await fetch(base + path, { ...init, headers: all, signal: controller.signal })
      // A request sent just before a token refresh (or a PIN switch) comes back 401 once the server
      // has ended the old token; by then the phone holds the new one, which must not be thrown away.
      if (response.status === 401 && bearer && bearer === token()) await onUnauthorized()
      return response
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
    }
  }

  /** Send a request and return its JSON body (null for 204); throw ApiError otherwise. */
  async function json(path, { body, ...init } = {}) {
    const limit = init.timeoutMs ?? timeoutMs
    let response
    try {
      response = await send(path, {
        ...init,
        timeoutMs: limit,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (error) {
      if (init.signal?.aborted) throw error
      if (error?.name === 'AbortError') throw new ApiError(TOO_SLOW, { kind: 'timeout' })
      throw new ApiError(NO_NETWORK, { kind: 'network' })
    }
    if (response.ok) return response.status === 204 ? null : response.json()
    const problem = await response.json().catch(() => null)
    const retryAfter = response.headers.get('Retry-After')
    throw new ApiError(problemMessage(problem, response.status, retryAfter), {
      status: response.status,
      problem,
      retryAfter,
    })
  }

  return { fetch: send, json }
}

/** The app's client: the stored token, and a 401 ends the session. */
export const api = createApi()
