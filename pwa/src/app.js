/**
 * The app: the login screen when nobody is signed in, otherwise the screen named by the hash
 * route, between the top bar and the bottom navigation. New screens are added to SCREENS.
 */
import { useEffect, useState } from 'preact/hooks'
import { html } from './html.js'
import { t } from './i18n/index.js'
import { loadSession, onSessionChange } from './session.js'
import { useRoute } from './router.js'
import { startRuntime } from './runtime.js'
import { usePullToRefresh } from './hooks.js'
import { Login } from './views/login.js'
import { Home } from './views/home.js'
import { Attention } from './views/attention.js'
import { Sale } from './views/sale.js'
import { MpesaStatus } from './views/mpesa-status.js'
import { Stock } from './views/stock.js'
import { Laundry } from './views/laundry.js'
import { Reports } from './views/reports.js'
import { Till } from './views/till.js'
import { ZReport } from './views/zreport.js'
import { MoneyOut } from './views/money-out.js'
import { Closes } from './views/closes.js'
import { Costs } from './views/costs.js'
import { LogoutPanel } from './views/logout-panel.js'
import { Businesses } from './views/businesses.js'
import { Staff } from './views/staff.js'
import { History } from './views/history.js'
import { Sales } from './views/sales.js'
import { Customers } from './views/customers.js'
import { ToCheck } from './views/to-check.js'
import { Products } from './views/products.js'
import { SwitchUser } from './views/switch-user.js'
import { Messages } from './views/messages.js'
import { TopBar } from './components/top-bar.js'
import { Nav } from './components/nav.js'
import { StatusBanners } from './components/status-banners.js'

/** Route → screen; a route may carry one id after the screen's path ("/mpesa/12"). */
const SCREENS = {
  '/': Home,
  '/attention': Attention,
  '/sell': Sale,
  '/mpesa': MpesaStatus,
  '/stock': Stock,
  '/laundry': Laundry,
  '/reports': Reports,
  '/businesses': Businesses,
  '/staff': Staff,
  '/till': Till,
  '/zreport': ZReport,
  '/money-out': MoneyOut,
  '/closes': Closes,
  '/history': History,
  '/costs': Costs,
  '/sales': Sales,
  '/customers': Customers,
  '/to-check': ToCheck,
  '/products': Products,
  '/switch': SwitchUser,
  '/messages': Messages,
}

export function App({ registration, updateReady }) {
  const [session, setSession] = useState(loadSession)
  const [runtime, setRuntime] = useState(null)
  const [leaving, setLeaving] = useState(false)
  const route = useRoute()
  usePullToRefresh(() => runtime?.poller.refreshAll())

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
      setLeaving(false)
    }
  }, [token])

  if (!session) return html`<${Login} />`
  if (!runtime) return null
  const [, base = '', param = null] = /^(\/[^/]*)(?:\/(.+))?$/.exec(route) ?? []
  const Screen = SCREENS[base] ?? Home
  return html`
    ${updateReady && html`<${UpdateBanner} apply=${updateReady} />`}
    <${TopBar} user=${session.user} onLogout=${() => setLeaving(true)} busy=${leaving} />
    <${StatusBanners} runtime=${runtime} />
    ${
      leaving &&
      html`<div class="screen logout-wrap"><${LogoutPanel} session=${session} runtime=${runtime} onCancel=${() => setLeaving(false)} /></div>`
    }
    <${Screen} key=${route} session=${session} runtime=${runtime} param=${param} />
    <${Nav} user=${session.user} route=${base || '/'} />
  `
}

function UpdateBanner({ apply }) {
  return html`
    <div class="banner update">
      <span>${t('update.ready')}</span>
      <button class="button small" type="button" onClick=${apply}>${t('update.apply')}</button>
    </div>
  `
}
