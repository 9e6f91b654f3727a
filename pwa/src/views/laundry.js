import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { formatMoney } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

export const ORDER_FLOW = ['received', 'washing', 'drying', 'ready', 'collected']

/** Laundry orders by status; one tap moves an order to its next status. */
export function Laundry({ session, runtime }) {
  const laundry = session.user.businesses.find((b) => b.kind === 'laundry' && !b.archived)
  const sales = useResource(runtime.poller, 'payments', laundry && `/payments/businesses/${laundry.code}/sales`, {
    delta: true,
  })
  const [busy, setBusy] = useState(null)
  const [error, setError] = useState(null)
  const orders = (sales.data?.items ?? []).filter((s) => s.order_status && s.order_status !== 'cancelled')

  async function advance(order) {
    const next = ORDER_FLOW[ORDER_FLOW.indexOf(order.order_status) + 1]
    setBusy(order.id)
    setError(null)
    try {
      await api.json(`/payments/sales/${order.id}/order-status`, { method: 'POST', body: { status: next } })
      sales.refresh()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(null)
    }
  }

  return html`
    <main class="screen laundry">
      <h1>${t('laundry.title')}</h1>
      <${DataFoot} resources=${[sales]} />
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${ORDER_FLOW.slice(0, -1).map((status) => {
        const here = orders.filter((o) => o.order_status === status)
        const next = ORDER_FLOW[ORDER_FLOW.indexOf(status) + 1]
        return html`
          <section class="card column" key=${status} data-status=${status}>
            <h2 class="card-title">${t(`laundry.status.${status}`)} (${here.length})</h2>
            ${here.map(
              (o) => html`
                <div class="order" key=${o.id}>
                  <span>
                    ${t('laundry.order', { ref: o.reference ?? o.id })} · <span class="nowrap">${formatMoney(o.total)}</span>
                    ${o.status !== 'paid' && html` · ${t(`payment_status.${o.status}`) || o.status}`}
                  </span>
                  <button class="button secondary" type="button" disabled=${busy === o.id} onClick=${() => advance(o)}>
                    <${Icon} name="next" size=${20} /> ${t(`laundry.status.${next}`)}
                  </button>
                </div>
              `,
            )}
          </section>
        `
      })}
    </main>
  `
}
