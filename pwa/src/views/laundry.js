import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { useResource } from '../hooks.js'
import { formatMoment, formatMoney, formatPhone } from '../format.js'
import { errorText, plainError } from '../error-words.js'
import { t } from '../i18n/index.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { CustomerPicker, creditErrorText } from '../components/customer-picker.js'

export const ORDER_FLOW = ['received', 'washing', 'drying', 'ready', 'collected']
/** When an order is paid: all now in cash, or at collection (a deposit now, if any). */
export const PAY_WHEN = ['now', 'later']
const MONEY = /^\d+(\.\d{1,2})?$/

/** Nairobi has no daylight saving: a time typed on the phone is +03:00. */
export function nairobiIso(local) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+03:00` : null
}

/** Tomorrow at 17:00 Nairobi time, as a datetime-local value (the usual promise). */
export function tomorrowEvening(now = Date.now()) {
  const nairobi = new Date(now + 3 * 3600_000 + 24 * 3600_000)
  return `${nairobi.toISOString().slice(0, 10)}T17:00`
}

/** Past its promised time and not ready yet. */
export function isOverdue(order, now = Date.now()) {
  if (!order.promised_at || !['received', 'washing', 'drying'].includes(order.order_status)) return false
  return new Date(order.promised_at).getTime() < now
}

/**
 * Laundry orders: take a new one (ticket number, what was brought, when it is promised), the
 * board by status with each order's customer and due time (overdue ones marked), one tap to the
 * next status, and finding any order by its ticket, collected ones too.
 */
export function Laundry({ session, runtime }) {
  const laundry = session.user.businesses.find((b) => b.kind === 'laundry' && !b.archived)
  const sales = useResource(runtime.poller, 'payments', laundry && `/payments/businesses/${laundry.code}/sales`, {
    delta: true,
  })
  const [busy, setBusy] = useState(null)
  const [error, setError] = useState(null)
  const [taking, setTaking] = useState(false)
  const owner = session.user.role === 'owner'
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
      ${
        laundry &&
        (taking
          ? html`<${NewOrder} business=${laundry.code} runtime=${runtime} owner=${owner} onDone=${() => {
              setTaking(false)
              sales.refresh()
            }} />`
          : html`<button class="button primary wide" type="button" onClick=${() => setTaking(true)}>
              <${Icon} name="plus" size=${20} /> ${t('laundry.new')}
            </button>`)
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${ORDER_FLOW.slice(0, -1).map((status) => {
        const here = orders.filter((o) => o.order_status === status)
        const next = ORDER_FLOW[ORDER_FLOW.indexOf(status) + 1]
        return html`
          <section class="card column" key=${status} data-status=${status}>
            <h2 class="card-title">${t(`laundry.status.${status}`)} (${here.length})</h2>
            ${here.map(
              (o) => html`
                <div class="order column" key=${o.id} data-ticket=${o.ticket}>
                  <${OrderFacts} order=${o} />
                  <button class="button secondary" type="button" disabled=${busy === o.id} onClick=${() => advance(o)}>
                    <${Icon} name="next" size=${20} /> ${t(`laundry.status.${next}`)}
                  </button>
                  ${owner && html`<${CancelOrder} order=${o} onDone=${() => sales.refresh()} />`}
                </div>
              `,
            )}
          </section>
        `
      })}
      ${laundry && html`<${FindOrder} business=${laundry.code} />`}
    </main>
  `
}

/** Ticket, customer, money, what was brought and when it is due (overdue marked). */
function OrderFacts({ order }) {
  const late = isOverdue(order)
  return html`
    <a class="order-facts" href=${`#/sales/${order.id}`}>
      <strong>${t('laundry.ticket', { ticket: order.ticket ?? order.reference })}</strong>
      ${order.customer_name && html` · ${order.customer_name}`}
      ${order.customer_phone && html` · <span class="nowrap">${formatPhone(order.customer_phone)}</span>`}
      · <span class="nowrap">${formatMoney(order.total)}</span>
      ${order.status !== 'paid' && html` · ${t(`payment_status.${order.status}`) || order.status}`}
    </a>
    ${order.items && html`<span>${order.items}</span>`}
    ${
      order.promised_at &&
      html`<span class=${late ? 'overdue' : ''} data-overdue=${late}>
        ${late && html`<${Icon} name="alert" size=${16} /> ${t('laundry.overdue')} · `}
        ${t('laundry.due', { when: formatMoment(order.promised_at) })}
      </span>`
    }
  `
}

/**
 * A new order: the customer (picked or added in two taps), the service by weight or piece (a
 * laundry product), what was brought, when it is promised, and when it is paid: all now in cash,
 * or at collection with an optional deposit now (what is unpaid at collection is their debt).
 */
function NewOrder({ business, runtime, owner, onDone }) {
  const [customer, setCustomer] = useState(null)
  const [product, setProduct] = useState('')
  const [quantity, setQuantity] = useState('')
  const [items, setItems] = useState('')
  const [promised, setPromised] = useState(tomorrowEvening)
  const [pay, setPay] = useState('later')
  const [deposit, setDeposit] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [key] = useState(newUuid)
  const products = useResource(runtime.poller, 'inventory', `/inventory/businesses/${business}/products`, {
    delta: true,
  })
  const list = (products.data?.items ?? []).filter((p) => p.active !== false)

  async function save(event) {
    event.preventDefault()
    setError(null)
    const promisedAt = nairobiIso(promised)
    try {
      if (!customer) throw plainError(t('laundry.customer_needed'))
      if (!product || !/^\d+(\.\d{1,3})?$/.test(quantity.trim()) || Number(quantity) <= 0) {
        throw plainError(t('laundry.quantity_wrong'))
      }
      if (!promisedAt) throw plainError(t('laundry.when_wrong'))
      if (pay === 'later' && deposit.trim() && !MONEY.test(deposit.trim())) throw plainError(t('till.amount_wrong'))
      setBusy(true)
      const order = { items: items.trim() || null, promised_at: promisedAt }
      if (pay === 'later' && Number(deposit) > 0) order.deposit = deposit.trim()
      await api.json(`/payments/businesses/${business}/sales`, {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: {
          method: pay === 'now' ? 'cash' : 'account',
          customer_id: customer.id,
          lines: [{ product_id: Number(product), quantity: quantity.trim() }],
          order,
        },
      })
      onDone()
    } catch (e) {
      setError(creditErrorText(e))
    } finally {
      setBusy(false)
    }
  }

  return html`
    <form class="card column new-order" onSubmit=${save}>
      <h2 class="card-title">${t('laundry.new')}</h2>
      <${CustomerPicker} picked=${customer} onPick=${setCustomer} owner=${owner} />
      <label for="order-service">${t('laundry.service')}</label>
      <select id="order-service" value=${product} onChange=${(e) => setProduct(e.currentTarget.value)}>
        <option value="">${t('laundry.pick_service')}</option>
        ${list.map((p) => html`<option key=${p.id} value=${p.id}>${p.name} · ${formatMoney(p.price)} / ${p.unit}</option>`)}
      </select>
      <label for="order-quantity">${t('laundry.quantity')}</label>
      <input id="order-quantity" inputmode="decimal" autocomplete="off" value=${quantity}
        onInput=${(e) => setQuantity(e.currentTarget.value)} />
      <label for="order-items">${t('laundry.items')}</label>
      <input id="order-items" maxlength="200" placeholder=${t('laundry.items_hint')} value=${items}
        onInput=${(e) => setItems(e.currentTarget.value)} />
      <label for="order-promised">${t('laundry.promised')}</label>
      <input id="order-promised" type="datetime-local" value=${promised} onInput=${(e) => setPromised(e.currentTarget.value)} />
      <div class="row" role="group" aria-label=${t('laundry.pay_when')}>
        ${PAY_WHEN.map(
          (when) => html`<button type="button" key=${when} class=${`switch ${pay === when ? 'on' : ''}`}
            aria-pressed=${pay === when} onClick=${() => setPay(when)}>${t(`laundry.pay.${when}`)}</button>`,
        )}
      </div>
      ${
        pay === 'later' &&
        html`<label for="order-deposit">${t('laundry.deposit')}</label>
        <input id="order-deposit" inputmode="decimal" autocomplete="off" placeholder="0.00" value=${deposit}
          onInput=${(e) => setDeposit(e.currentTarget.value)} />`
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button primary" type="submit" disabled=${busy}>${busy ? t('common.wait') : t('laundry.take')}</button>
      <button class="button quiet" type="button" onClick=${onDone}>${t('common.back')}</button>
    </form>
  `
}

/** The owner cancels an order, saying why (kept with the order and in the changes list). */
function CancelOrder({ order, onDone }) {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState(null)
  if (!open) {
    return html`<button class="button quiet" type="button" onClick=${() => setOpen(true)}>${t('laundry.cancel')}</button>`
  }
  async function cancel() {
    setError(null)
    try {
      await api.json(`/payments/sales/${order.id}/order-status`, {
        method: 'POST',
        body: { status: 'cancelled', reason: reason.trim() },
      })
      onDone()
    } catch (e) {
      setError(errorText(e))
    }
  }
  return html`
    <div class="column cancel-order">
      <label for=${`cancel-${order.id}`}>${t('laundry.cancel_reason')}</label>
      <input id=${`cancel-${order.id}`} maxlength="200" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} />
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button danger" type="button" disabled=${!reason.trim()} onClick=${cancel}>${t('laundry.cancel_confirm')}</button>
    </div>
  `
}

/** Find an order by its ticket number, or list the collected ones (they leave the board). */
function FindOrder({ business }) {
  const [ticket, setTicket] = useState('')
  const [found, setFound] = useState(null)
  const [error, setError] = useState(null)

  async function search(query) {
    setError(null)
    try {
      const params = new URLSearchParams(query)
      setFound((await api.json(`/payments/businesses/${business}/orders?${params}`)).items)
    } catch (e) {
      setError(errorText(e))
    }
  }

  function byTicket(event) {
    event.preventDefault()
    if (/^\d{1,9}$/.test(ticket.trim())) search({ ticket: ticket.trim() })
    else setError(t('laundry.ticket_wrong'))
  }

  return html`
    <section class="card column find-order">
      <h2 class="card-title">${t('laundry.find')}</h2>
      <form class="row" onSubmit=${byTicket}>
        <label for="find-ticket">${t('laundry.ticket_number')}</label>
        <input id="find-ticket" inputmode="numeric" autocomplete="off" placeholder=${t('laundry.ticket_number')}
          value=${ticket} onInput=${(e) => setTicket(e.currentTarget.value)} />
        <button class="button secondary" type="submit">${t('laundry.search')}</button>
      </form>
      <button class="button quiet" type="button" onClick=${() => search({ status: 'collected' })}>${t('laundry.collected')}</button>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${found && found.length === 0 && html`<p>${t('laundry.none_found')}</p>`}
      ${(found ?? []).map(
        (o) => html`<div class="order column" key=${o.id} data-found=${o.ticket}>
          <${OrderFacts} order=${o} />
          <span>${t(`laundry.status.${o.order_status}`)}${o.cancel_reason ? ` · ${o.cancel_reason}` : ''}</span>
        </div>`,
      )}
    </section>
  `
}
