/**
 * Hash routes ("#/attention"): the gateway serves one index.html, and a hash never reaches it.
 * Screens are listed in app.js.
 */
import { useEffect, useState } from 'preact/hooks'

function current() {
  return globalThis.location?.hash.replace(/^#/, '') || '/'
}

export function navigate(path) {
  globalThis.location.hash = path
}

/** The current route; re-renders when it changes. */
export function useRoute() {
  const [route, setRoute] = useState(current)
  useEffect(() => {
    const update = () => setRoute(current())
    addEventListener('hashchange', update)
    return () => removeEventListener('hashchange', update)
  }, [])
  return route
}
