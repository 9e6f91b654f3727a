/**
 * Register the service worker (production builds only, after the page has loaded so it does
 * not compete with the first load on a slow line) and tell the app when a new version waits.
 */
export function registerServiceWorker({ onUpdateReady } = {}) {
  const container = globalThis.navigator?.serviceWorker
  if (!container || !import.meta.env.PROD) return Promise.resolve(null)
  return afterLoad()
    .then(() => container.register('/sw.js', { scope: '/' }))
    .then((registration) => {
      const check = () => {
        if (registration.waiting && container.controller) onUpdateReady?.(() => applyUpdate(container, registration))
      }
      check()
      registration.addEventListener('updatefound', () => {
        const worker = registration.installing
        worker?.addEventListener('statechange', () => worker.state === 'installed' && check())
      })
      return registration
    })
    .catch(() => null)
}

function afterLoad() {
  if (document.readyState === 'complete') return Promise.resolve()
  return new Promise((resolve) => addEventListener('load', resolve, { once: true }))
}

/** Let the waiting worker take over, then reload once it controls the page. */
function applyUpdate(container, registration) {
  container.addEventListener('controllerchange', () => location.reload(), { once: true })
  registration.waiting?.postMessage({ type: 'skip-waiting' })
}
