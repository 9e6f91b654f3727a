/** Preact hooks shared by the views. */
import { useEffect, useRef, useState } from 'preact/hooks'

/**
 * Poll `url` on `service`'s scheduler while the component is shown. `data` changes only when
 * the server sent new data (a 304 leaves it alone); `status` carries freshness and errors.
 * `fresh: true` skips the gateway's micro-cache on every poll (someone is waiting on it).
 */
export function useResource(poller, service, url, { delta = false, fresh = false } = {}) {
  const [data, setData] = useState(undefined)
  const [status, setStatus] = useState({ freshAt: null, error: null, loading: true })
  const handle = useRef(null)
  useEffect(() => {
    setData(undefined)
    setStatus({ freshAt: null, error: null, loading: true })
    if (!url) return undefined
    const watch = poller.service(service).watch({
      url,
      delta,
      fresh,
      onData: (next) => setData(next),
      onState: ({ freshAt, error, loading, parked }) => setStatus({ freshAt, error, loading, parked }),
    })
    handle.current = watch
    return () => watch.stop()
  }, [poller, service, url, delta, fresh])
  return { data, ...status, refresh: () => handle.current?.refresh() }
}

/** The current time, updated every `ms` while the page is visible. */
export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const id = setInterval(() => document.visibilityState !== 'hidden' && setNow(Date.now()), ms)
    return () => clearInterval(id)
  }, [ms])
  return now
}

/** Outbox counts and reachability, refreshed when the runtime says something changed. */
export function useRuntimeStatus(runtime) {
  return useRuntimeValue(
    runtime,
    async () => {
      const [waiting, attention] = await Promise.all([runtime.outbox.count(), runtime.outbox.attentionCount()])
      return { waiting, attention, reach: runtime.poller.reachability() }
    },
    () => ({ waiting: 0, attention: 0, reach: runtime.poller.reachability() }),
  )
}

/** The sales waiting in the outbox (for "not sent yet" figures), kept up to date. */
export function useWaitingSales(runtime) {
  return useRuntimeValue(
    runtime,
    () => runtime.outbox.pending(),
    () => [],
  )
}

/** `load()`'s answer, asked again whenever the runtime says something changed. */
function useRuntimeValue(runtime, load, initial) {
  const [value, setValue] = useState(initial)
  useEffect(() => {
    let live = true
    const update = () =>
      load()
        .then((next) => live && setValue(next))
        .catch(() => {})
    update()
    const unsubscribe = runtime.subscribe(update)
    return () => {
      live = false
      unsubscribe()
    }
  }, [runtime])
  return value
}

/** Pull down at the top of the page to call `fn` (the phone's "pull to refresh"). */
export function usePullToRefresh(fn, distance = 80) {
  const latest = useRef(fn)
  latest.current = fn
  useEffect(() => {
    let startY = null
    const start = (e) => {
      startY = globalThis.scrollY <= 0 ? e.touches[0].clientY : null
    }
    const end = (e) => {
      if (startY != null && e.changedTouches[0].clientY - startY > distance) latest.current()
      startY = null
    }
    addEventListener('touchstart', start, { passive: true })
    addEventListener('touchend', end, { passive: true })
    return () => {
      removeEventListener('touchstart', start)
      removeEventListener('touchend', end)
    }
  }, [distance])
}
