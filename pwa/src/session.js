/**
 * The signed-in user on this phone: token and user (from POST /api/auth/login) in localStorage,
 * mirrored for the service worker. Expiry is left to the server (a 401), because cheap phones
 * often have a wrong clock.
 */
import { clearWorkerSession, saveWorkerSession } from './worker-session.js'

const KEY = 'tomtin.session'
const listeners = new Set()

function storage() {
  return globalThis.localStorage
}

/** The stored session `{token, expiresAt, user}`, or null. */
export function loadSession() {
  try {
    const session = JSON.parse(storage()?.getItem(KEY) ?? 'null')
    return session?.token && session?.user ? session : null
  } catch {
    return null
  }
}

export function getToken() {
  return loadSession()?.token ?? null
}

/** Keep the answer of a successful login. */
export async function saveSession(login) {
  const session = { token: login.token, expiresAt: login.expires_at, user: login.user }
  storage().setItem(KEY, JSON.stringify(session))
  await saveWorkerSession({ userId: login.user.id, token: login.token }).catch(() => {})
  notify(session)
  return session
}

let replacing = 0

/** True while a token is being swapped for a new one (see replaceSession). */
export function replacingSession() {
  return replacing > 0
}

/**
 * Swap the token for the one `request()` answers (a refresh after the owner changed the
 * businesses, a PIN switch). The server ends the old token as it answers, so a request that
 * left with the old token meanwhile comes back 401: that is no reason to log out. A 401 to the
 * swap itself is (the session really ended).
 */
export async function replaceSession(request) {
  replacing += 1
  try {
    return await saveSession(await request())
  } catch (error) {
    if (error?.status === 401) await clearSession()
    throw error
  } finally {
    replacing -= 1
  }
}

/** Change the stored user (e.g. their language) and tell the app. */
export function updateUser(patch) {
  const session = loadSession()
  if (!session) return null
  const next = { ...session, user: { ...session.user, ...patch } }
  storage().setItem(KEY, JSON.stringify(next))
  notify(next)
  return next
}

/** Forget the token (logout, or the server said 401). */
export async function clearSession() {
  storage()?.removeItem(KEY)
  await clearWorkerSession().catch(() => {})
  notify(null)
}

/** Call `fn(session|null)` whenever the session changes; returns an unsubscribe function. */
export function onSessionChange(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function notify(session) {
  for (const fn of listeners) fn(session)
}

/**
 * Where a shop's sales happen first, by kind of business: water refills are the most frequent
 * sale, then the shop counter, then laundry orders. Used when the user has not picked one yet.
 */
const COUNTER_ORDER = ['water', 'shop', 'laundry']

/**
 * The business the user last used on this phone (picked, or sold in), if it is still one of
 * theirs; else the first one they sell in (COUNTER_ORDER), not the first alphabetically.
 */
export function chosenBusiness(user) {
  const code = storage()?.getItem(`tomtin.business.${user.id}`)
  const open = user.businesses.filter((b) => !b.archived)
  if (open.some((b) => b.code === code)) return code
  return byCounterOrder(open)[0]?.code ?? null
}

/** Businesses in COUNTER_ORDER by kind (any other after them, "all" last), for switchers and defaults. */
export function byCounterOrder(businesses) {
  const rank = ({ code, kind }) =>
    code === 'all' ? 99 : COUNTER_ORDER.includes(kind) ? COUNTER_ORDER.indexOf(kind) : 50
  return [...businesses].sort((a, b) => rank(a) - rank(b))
}

export function chooseBusiness(user, code) {
  storage()?.setItem(`tomtin.business.${user.id}`, code)
}
