import { useMemo, useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource, useRuntimeStatus } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { countActiveProducts, countSalesOn, formatMoney } from '../format.js'
import { navigate } from '../router.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { FigureCard } from '../components/figure-card.js'
import { TopBar } from '../components/top-bar.js'
import { LogoutPanel } from './logout-panel.js'

/** One figure from each service for the chosen business, each with its freshness. */
export function Home({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const [leaving, setLeaving] = useState(false)
  const status = useRuntimeStatus(runtime)
  const { poller } = runtime

  const today = useResource(poller, 'reporting', business && `/reports/businesses/${business}/today`)
  const sales = useResource(poller, 'payments', business && `/payments/businesses/${business}/sales`, { delta: true })
  const products = useResource(poller, 'inventory', business && `/inventory/businesses/${business}/products`, {
    delta: true,
  })

  const salesToday = useMemo(() => countSalesOn(sales.data, today.data?.business_day), [sales.data, today.data])
  const productCount = useMemo(() => countActiveProducts(products.data), [products.data])

  function pick(code) {
    chooseBusiness(user, code)
    setBusiness(code)
  }

  const offline = status.reach.online === false || (status.reach.online == null && status.reach.hint === 'offline')

  return html`
    <${TopBar} user=${user} onLogout=${() => setLeaving(true)} busy=${leaving} />
    <main class="home">
      ${offline && html`<p class="banner warn" role="status">No connection. Numbers may be old.</p>`}
      ${status.waiting > 0 &&
      html`<div class="banner">
        <span>⏳ ${plural(status.waiting, 'sale')} waiting to send</span>
        <button class="button small" type="button" onClick=${() => runtime.outbox.flush({ reason: 'manual' })}>
          Send now
        </button>
      </div>`}
      ${status.attention > 0 &&
      html`<div class="banner bad">
        <span>⚠️ ${plural(status.attention, 'sale')} need${status.attention === 1 ? 's' : ''} attention</span>
        <button class="button small" type="button" onClick=${() => navigate('/attention')}>Look</button>
      </div>`}
      ${leaving && html`<${LogoutPanel} session=${session} runtime=${runtime} onCancel=${() => setLeaving(false)} />`}
      <${BusinessSwitcher} businesses=${user.businesses} value=${business} onChange=${pick} />
      <${FigureCard}
        icon="💰"
        title="Money today"
        value=${today.data ? formatMoney(today.data.revenue) : null}
        detail=${today.data && `Cash ${formatMoney(today.data.cash)} · M-Pesa ${formatMoney(today.data.mpesa)}`}
        resource=${today}
      />
      <${FigureCard} icon="🧾" title="Sales today" value=${salesToday} resource=${sales} />
      <${FigureCard} icon="📦" title="Products for sale" value=${productCount} resource=${products} />
    </main>
  `
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
