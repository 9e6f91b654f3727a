import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { formatMoney } from '../format.js'
import { DataFoot } from '../components/data-foot.js'

export const ORDER_FLOW = ['received', 'washing', 'drying', 'ready', 'collected']
const WORDS = { received: 'Received', washing: 'Washing', drying: 'Drying', ready: 'Ready', collected: 'Collected' }

/** Laundry orders by status; one tap moves an order to its next status. */
export function Laundry({ runtime }) {
  const sales = useResource(runtime.poller, 'payments', '/payments/businesses/laundry/sales', { delta: true })
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
      setError(e.message)
    } finally {
      setBusy(null)
    }
  }

  return html`
    <main class="screen laundry">
      <h1>Laundry orders</h1>
      <${DataFoot} resources=${[sales]} />
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${ORDER_FLOW.slice(0, -1).map((status) => {
        const here = orders.filter((o) => o.order_status === status)
        const next = ORDER_FLOW[ORDER_FLOW.indexOf(status) + 1]
        return html`
          <section class="card column" key=${status} data-status=${status}>
            <h2 class="card-title">${WORDS[status]} (${here.length})</h2>
            ${here.map(
              (o) => html`
                <div class="order" key=${o.id}>
                  <span>#${o.reference ?? o.id} · ${formatMoney(o.total)}${o.status !== 'paid' ? ` · ${o.status}` : ''}</span>
                  <button class="button secondary" type="button" disabled=${busy === o.id} onClick=${() => advance(o)}>
                    → ${WORDS[next]}
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
