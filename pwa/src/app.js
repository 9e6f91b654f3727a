/**
 * The app: the login screen when nobody is signed in, otherwise the screen named by the hash
 * route. New screens are added to SCREENS.
 */
import { useEffect, useState } from 'preact/hooks'
import { html } from './html.js'
import { loadSession, onSessionChange } from './session.js'
import { useRoute } from './router.js'
import { startRuntime } from './runtime.js'
import { Login } from './views/login.js'
import { Home } from './views/home.js'
import { Attention } from './views/attention.js'

const SCREENS = {
  '/': Home,
  '/attention': Attention,
}

export function App({ registration, updateReady }) {
  const [session, setSession] = useState(loadSession)
  const [runtime, setRuntime] = useState(null)
  const route = useRoute()

  useEffect(() => {
    const stop = onSessionChange(setSession)
    // Another tab logged in or out.
    const onStorage = (event) => event.key === 'tomtin.session' && setSession(loadSession())
    addEventListener('storage', onStorage)
    return () => {
      stop()
      removeEventListener('storage', onStorage)
    }
  }, [])

  const token = session?.token
  useEffect(() => {
    if (!token) return undefined
    const started = startRuntime(session, { registration })
    setRuntime(started)
    return () => {
      started.stop()
      setRuntime(null)
    }
  }, [token])

  if (!session) return html`<${Login} />`
  if (!runtime) return null
  const Screen = SCREENS[route] ?? Home
  return html`
    ${updateReady && html`<${UpdateBanner} apply=${updateReady} />`}
    <${Screen} session=${session} runtime=${runtime} />
  `
}

function UpdateBanner({ apply }) {
  return html`
    <div class="banner update">
      <span>A new version is ready.</span>
      <button class="button small" type="button" onClick=${apply}>Update</button>
    </div>
  `
}
