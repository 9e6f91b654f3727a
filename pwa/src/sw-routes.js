/**
 * Which requests the service worker caches, and how. Kept apart from sw.js so it can be tested
 * in Node. Only same-origin GETs are ever cached; never /api/auth/*; never delta requests
 * (`changed_since`), whose partial answers must not stand in for a full one.
 */
import { SOURCE_HEADER, STORED_AT_HEADER } from './poller.js'

export const CACHES = Object.freeze({
  static: 'tomtin-static',
  products: 'tomtin-api-products',
  live: 'tomtin-api-live',
})
/** Every cache holding API data starts with this; all of them are deleted on logout. */
export const API_CACHE_PREFIX = 'tomtin-api-'

const PRODUCTS = /^\/api\/inventory\/(?:.+\/)?products$/
const LIVE = [/^\/api\/inventory\/(?:.+\/)?stock[^/]*(?:\/|$)/, /^\/api\/reports\//, /^\/api\/payments\//]
const STATIC_FILE = /\.(?:js|css|png|svg|ico|webmanifest|woff2?)$/

function cacheableApiGet(url, request, origin) {
  return (
    request.method === 'GET' &&
    url.origin === origin &&
    url.pathname.startsWith('/api/') &&
    !url.pathname.startsWith('/api/auth/') &&
    !url.searchParams.has('changed_since')
  )
}

/** Product lists: stale-while-revalidate. */
export function isProducts({ url, request }, origin) {
  return cacheableApiGet(url, request, origin) && PRODUCTS.test(url.pathname)
}

/** Stock, dashboards and payments: network first, cache if the network is down or slow. */
export function isLive({ url, request }, origin) {
  return cacheableApiGet(url, request, origin) && LIVE.some((re) => re.test(url.pathname))
}

/** Built files and icons: cache first (their names change when their content does). */
export function isStatic({ url, request }, origin) {
  return (
    request.method === 'GET' &&
    url.origin === origin &&
    !url.pathname.startsWith('/api/') &&
    !url.pathname.startsWith('/hooks/') &&
    (url.pathname.startsWith('/assets/') || STATIC_FILE.test(url.pathname))
  )
}

/** A copy of `response` with extra headers (the body is streamed, not read). */
export function withHeaders(response, extra) {
  const headers = new Headers(response.headers)
  for (const [name, value] of Object.entries(extra)) headers.set(name, value)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/**
 * Workbox plugin: stamp each stored response with the time it was stored, and mark answers
 * read from the cache with `source` ('cache' for stale-while-revalidate, 'fallback' for
 * network-first that fell back), so the poller can tell them from real answers.
 */
export function markCachedPlugin(source, now = () => Date.now()) {
  return {
    cacheWillUpdate: async ({ response }) =>
      response.status === 200 ? withHeaders(response, { [STORED_AT_HEADER]: String(now()) }) : null,
    cachedResponseWillBeUsed: async ({ cachedResponse }) =>
      cachedResponse ? withHeaders(cachedResponse, { [SOURCE_HEADER]: source }) : cachedResponse,
  }
}

/** Delete every cache of API data (logout). */
export async function clearApiCaches(cacheStorage = globalThis.caches) {
  if (!cacheStorage) return []
  const names = (await cacheStorage.keys()).filter((name) => name.startsWith(API_CACHE_PREFIX))
  await Promise.all(names.map((name) => cacheStorage.delete(name)))
  return names
}
