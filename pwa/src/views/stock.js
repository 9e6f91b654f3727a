import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatQuantity } from '../format.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'

/** Stock levels with low-stock alerts first; receive stock (anyone), adjust with a reason (owner). */
export function Stock({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const stock = useResource(runtime.poller, 'inventory', `/inventory/businesses/${business}/stock`, { delta: true })
  const [open, setOpen] = useState(null)
  const items = (stock.data?.items ?? []).filter((p) => p.active !== false)
  const low = items.filter((p) => p.low)

  function pick(code) {
    chooseBusiness(user, code)
    setBusiness(code)
    setOpen(null)
  }

  return html`
    <main class="screen stock">
      <h1>Stock</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business} onChange=${pick} />
      ${low.length > 0 &&
      html`<p class="banner bad" role="status">⚠️ Low: ${low.map((p) => p.name).join(', ')}</p>`}
      <${DataFoot} resources=${[stock]} />
      ${stock.data && items.length === 0 && html`<p>No tracked products in this business.</p>`}
      ${items.map(
        (p) => html`
          <section class=${`card stock-item ${p.low ? 'low' : ''}`} key=${p.id}>
            <h2 class="card-title">${p.name}</h2>
            <p class="figure">${formatQuantity(p.stock_level)} <small>${p.unit}</small></p>
            <p class="figure-detail">Reorder at ${formatQuantity(p.reorder_level)}${p.low ? ' — LOW' : ''}</p>
            ${open?.id === p.id
              ? html`<${MovementForm} business=${business} product=${p} kind=${open.kind}
                  onDone=${() => { setOpen(null); stock.refresh() }} />`
              : html`<div class="row">
                  <button class="button secondary" type="button" onClick=${() => setOpen({ id: p.id, kind: 'receive' })}>
                    Receive
                  </button>
                  ${user.role === 'owner' &&
                  html`<button class="button secondary" type="button" onClick=${() => setOpen({ id: p.id, kind: 'adjust' })}>
                    Adjust
                  </button>`}
                </div>`}
          </section>
        `,
      )}
    </main>
  `
}

function MovementForm({ business, product, kind, onDone }) {
  const [quantity, setQuantity] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  // One key per form: pressing Save again after a lost answer does not move stock twice.
  const [key] = useState(newUuid)

  async function save(event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.json(`/inventory/businesses/${business}/movements`, {
        method: 'POST',
        body: { product_id: product.id, kind, quantity: quantity.trim(), reason: reason.trim() || undefined, idempotency_key: key },
      })
      onDone()
    } catch (e) {
      setError(e.message)
      setBusy(false)
    }
  }

  return html`
    <form class="movement" onSubmit=${save}>
      <label for=${`qty-${product.id}`}>
        ${kind === 'receive' ? `How many ${product.unit} came in?` : 'Change (use − to remove, e.g. -2)'}
      </label>
      <input id=${`qty-${product.id}`} inputmode="decimal" required value=${quantity}
        onInput=${(e) => setQuantity(e.currentTarget.value)} />
      ${kind === 'adjust' &&
      html`<label for=${`reason-${product.id}`}>Reason</label>
        <input id=${`reason-${product.id}`} required placeholder="Counted, broken, lost…" value=${reason}
          onInput=${(e) => setReason(e.currentTarget.value)} />`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <div class="row">
        <button class="button primary" type="submit" disabled=${busy || !quantity.trim() || (kind === 'adjust' && !reason.trim())}>
          ${busy ? 'Saving…' : 'Save'}
        </button>
        <button class="button secondary" type="button" onClick=${onDone} disabled=${busy}>Cancel</button>
      </div>
    </form>
  `
}
