/**
 * Recently sold products, per user and business, on this phone only: the first row of the sale
 * screen, so the everyday sale is one tap away. Removed at logout.
 */
const PREFIX = 'tomtin.recent.'
const KEEP = 6

function key(userId, business) {
  return `${PREFIX}${userId}.${business}`
}

/** Product ids, most recent first. */
export function recentProducts(userId, business) {
  try {
    const ids = JSON.parse(globalThis.localStorage?.getItem(key(userId, business)) ?? '[]')
    return Array.isArray(ids) ? ids.filter(Number.isInteger) : []
  } catch {
    return []
  }
}

export function rememberProducts(userId, business, productIds) {
  const ids = [...new Set([...productIds, ...recentProducts(userId, business)])].slice(0, KEEP)
  globalThis.localStorage?.setItem(key(userId, business), JSON.stringify(ids))
}

/** Where M-Pesa status screens keep when they first showed a payment (views/mpesa-status.js). */
const SHOWN_PREFIX = 'tomtin.mpesa.shown.'

/** Forget every user's recent items, and when payments were first shown, on this phone (logout). */
export function forgetRecent(storage = globalThis.localStorage) {
  if (!storage) return
  const keys = []
  for (let i = 0; i < storage.length; i += 1) keys.push(storage.key(i))
  keys.filter((k) => k?.startsWith(PREFIX) || k?.startsWith(SHOWN_PREFIX)).forEach((k) => storage.removeItem(k))
}
