/**
 * The service worker. Workbox precaches the app shell (the list is injected at build time),
 * then: built assets cache-first, product lists stale-while-revalidate, stock/reports/payments
 * network-first with a 3 s timeout. Nothing else is cached: no POST, no /api/auth/*.
 * It also replays the sales outbox on Background Sync and drops API caches on logout.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { CacheFirst, NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies'
import { ExpirationPlugin } from 'workbox-expiration'
import { CacheableResponsePlugin } from 'workbox-cacheable-response'
import { CACHES, clearApiCaches, isLive, isProducts, isStatic, markCachedPlugin } from './sw-routes.js'
import { SYNC_TAG, createOutbox } from './outbox.js'
import { readWorkerSession } from './worker-session.js'
import { createApi } from './api.js'

const origin = self.location.origin
const DAY = 24 * 60 * 60

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// Receipt links (/r/<token>) are the server's own pages: a phone with the app installed opens them too.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/hooks\//, /^\/r\//] }),
)

registerRoute(
  (options) => isStatic(options, origin),
  new CacheFirst({
    cacheName: CACHES.static,
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 30 * DAY }),
    ],
  }),
)

registerRoute(
  (options) => isProducts(options, origin),
  new StaleWhileRevalidate({
    cacheName: CACHES.products,
    plugins: [new ExpirationPlugin({ maxEntries: 20, maxAgeSeconds: 7 * DAY }), markCachedPlugin('cache')],
  }),
)

registerRoute(
  (options) => isLive(options, origin),
  new NetworkFirst({
    cacheName: CACHES.live,
    networkTimeoutSeconds: 3,
    plugins: [new ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 3 * DAY }), markCachedPlugin('fallback')],
  }),
)

// Take charge of the page that installed us, so its first visit already works offline. An
// update still waits for the user's "Update" (skip-waiting), and then the page reloads.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

self.addEventListener('message', (event) => {
  const type = event.data?.type
  if (type === 'logout') event.waitUntil(clearApiCaches(self.caches))
  if (type === 'skip-waiting') self.skipWaiting()
})

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flushOutbox())
})

/** Replay waiting sales; throwing asks the browser to fire `sync` again later. */
async function flushOutbox() {
  const session = await readWorkerSession()
  if (!session) return
  const api = createApi({ getToken: () => session.token, onUnauthorized: () => {} })
  const outbox = createOutbox({ userId: session.userId, fetch: api.fetch, retryTimer: false })
  try {
    const result = await outbox.flush({ reason: 'sync' })
    await tellPages()
    if (result.waiting > 0 && !result.auth && !result.busy) throw new Error(`${result.waiting} sales still waiting`)
  } finally {
    await outbox.close()
  }
}

async function tellPages() {
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
    client.postMessage({ type: 'outbox-changed' })
}
