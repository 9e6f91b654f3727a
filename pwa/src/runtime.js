/**
 * Everything that runs while a user is signed in: the poller, the outbox and their triggers.
 * Started by app.js after login, stopped on logout.
 */
import { deleteDB } from 'idb'
import { api } from './api.js'
import { clearSession } from './session.js'
import { connectPoller, createPoller } from './poller.js'
import { connectOutbox, createOutbox, requestBackgroundSync, requestPersistentStorage, userDbName } from './outbox.js'
import { clearApiCaches } from './sw-routes.js'
import { forgetRecent } from './recent.js'
import { deviceId } from './device.js'

export function startRuntime(session, { registration = Promise.resolve(null), win = window, doc = document } = {}) {
  const listeners = new Set()
  const changed = () => listeners.forEach((fn) => fn())
  // Every open tab of this user shows the same outbox counts: a change in one is announced to
  // the others at once (the IndexedDB is shared, its change events are not).
  const channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(`tomtin-outbox-${session.user.id}`) : null
  if (channel) channel.onmessage = changed
  const outboxChanged = () => {
    changed()
    channel?.postMessage('changed')
  }
  const outbox = createOutbox({ userId: session.user.id, fetch: api.fetch, onChange: outboxChanged })
  let triggers = null
  const poller = createPoller({
    fetch: api.fetch,
    onSuccess: () => triggers?.polled(),
    onReachability: changed,
  })
  const unwire = connectPoller(poller, win, doc)
  triggers = connectOutbox(outbox, win, doc)
  requestPersistentStorage()
  warmProducts(session)
  // The worker flushed the outbox on Background Sync.
  const container = win.navigator?.serviceWorker
  const onMessage = (event) => event.data?.type === 'outbox-changed' && changed()
  container?.addEventListener('message', onMessage)

  return {
    poller,
    outbox,
    /** Call `fn` when reachability or the outbox changes; returns an unsubscribe function. */
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    changed,
    /** Record a sale: into the outbox first, then try to send it now. It names this phone. */
    async recordSale({ business, body, label, amount }) {
      const item = await outbox.enqueue({
        path: `/payments/businesses/${business}/sales`,
        body: { ...body, device: deviceId() },
        label,
        business,
        amount,
      })
      requestBackgroundSync(await registration)
      outbox.flush({ reason: 'enqueue' })
      return item
    },
    stop() {
      poller.stop()
      unwire()
      triggers.stop()
      container?.removeEventListener('message', onMessage)
      channel?.close()
      listeners.clear()
    },
  }
}

/**
 * Ask once for each business's product list, so the service worker has it for a sale screen
 * opened later without a network.
 */
function warmProducts(session) {
  for (const { code } of session.user.businesses) {
    api.fetch(`/inventory/businesses/${code}/products`, { timeoutMs: 15_000 }).catch(() => {})
  }
}

/**
 * Log out: tell the server, drop API caches, recent items and this user's IndexedDB data, forget
 * the token.
 * Sales not yet sent are never deleted: their database stays and is sent at the next login.
 * Returns how many sales were kept.
 */
export async function logout(runtime, session) {
  runtime.stop()
  await api.json('/auth/logout', { method: 'POST', timeoutMs: 4_000 }).catch(() => {})
  const kept = (await runtime.outbox.count()) + (await runtime.outbox.attentionCount())
  await runtime.outbox.close()
  if (kept === 0) await withTimeout(deleteDB(userDbName(session.user.id)), 3_000)
  globalThis.navigator?.serviceWorker?.controller?.postMessage({ type: 'logout' })
  await clearApiCaches().catch(() => {})
  forgetRecent()
  await clearSession()
  return { kept }
}

function withTimeout(promise, ms) {
  return Promise.race([promise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms))])
}
