import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatAmountOf } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'
import { BusinessSwitcher, businessName } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

/**
 * Stock levels; receive stock and take back returns (anyone), correct the count and write off
 * lost or spoilt stock (owner); every movement but a delivery with a reason.
 * `#/stock/low` shows only what is low, in every business of the user (Home's "Low stock").
 */
export function Stock({ session, runtime, param }) {
  return param === 'low'
    ? html`<${LowStock} session=${session} runtime=${runtime} />`
    : html`<${OneBusiness} session=${session} runtime=${runtime} />`
}

function OneBusiness({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const stock = useResource(runtime.poller, 'inventory', `/inventory/businesses/${business}/stock`, { delta: true })
  const items = active(stock)
  const low = items.filter((p) => p.low)

  function pick(code) {
    chooseBusiness(user, code)
    setBusiness(code)
  }

  return html`
    <main class="screen stock">
      <h1>${t('stock.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business} onChange=${pick} />
      <${DataFoot} resources=${[stock]} />
      ${
        low.length > 0 &&
        html`<p class="banner bad" role="status">
        <span><${Icon} name="alert" size=${20} /> ${t('stock.low_list', { names: low.map((p) => p.name).join(', ') })}</span>
      </p>`
      }
      ${stock.data && items.length === 0 && html`<p>${t('stock.none')}</p>`}
      ${items.map((p) => html`<${StockCard} key=${p.id} user=${user} business=${business} product=${p} onSaved=${stock.refresh} />`)}
    </main>
  `
}

/** What is low, across the user's businesses (one poll per business, one freshness line). */
function LowStock({ session, runtime }) {
  const { user } = session
  const resources = user.businesses.map((b) =>
    // The user's businesses do not change while signed in, so the hooks are always the same.
    useResource(runtime.poller, 'inventory', `/inventory/businesses/${b.code}/stock`, { delta: true }),
  )
  const groups = user.businesses
    .map((b, i) => ({ business: b, items: active(resources[i]).filter((p) => p.low) }))
    .filter((g) => g.items.length > 0)
  const loaded = resources.every((r) => r.data)
  return html`
    <main class="screen stock">
      <h1>${t('stock.low_title')}</h1>
      <button class="button secondary wide" type="button" onClick=${() => navigate('/stock')}>${t('stock.show_all')}</button>
      <${DataFoot} resources=${resources} />
      ${loaded && groups.length === 0 && html`<p class="banner good">${t('stock.nothing_low')}</p>`}
      ${groups.map(
        (g) => html`
          <h2 class="group-title" key=${g.business.code}>${businessName(g.business)}</h2>
          ${g.items.map(
            (p) => html`<${StockCard} key=${p.id} user=${user} business=${g.business.code} product=${p}
              onSaved=${resources[user.businesses.indexOf(g.business)].refresh} />`,
          )}
        `,
      )}
    </main>
  `
}

function active(resource) {
  return (resource.data?.items ?? []).filter((p) => p.active !== false)
}

/** The button for each movement; staff receive and take returns, the owner also corrects and writes off. */
const MOVEMENT_BUTTON = {
  receive: 'stock.receive',
  return: 'stock.returned',
  adjust: 'stock.correct',
  write_off: 'stock.write_off',
}
const MOVEMENT_QUESTION = {
  receive: 'stock.how_many_came',
  return: 'stock.how_many_back',
  adjust: 'stock.change_by',
  write_off: 'stock.how_many_gone',
}
const REASON_HINT = {
  return: 'stock.reason_hint_return',
  adjust: 'stock.reason_hint',
  write_off: 'stock.reason_hint_write_off',
}

function movementKinds(user) {
  return user.role === 'owner' ? ['receive', 'return', 'adjust', 'write_off'] : ['receive', 'return']
}

function StockCard({ user, business, product: p, onSaved }) {
  const [open, setOpen] = useState(null)
  return html`
    <section class=${`card stock-item ${p.low ? 'low' : ''}`}>
      <h2 class="card-title">${p.name}</h2>
      <p class="figure">${formatAmountOf(p.stock_level, p.unit)}</p>
      <p class="figure-detail">
        ${t('stock.order_more_at', { amount: formatAmountOf(p.reorder_level, p.unit) })}
        ${p.low && html` <strong class="low-word">${t('stock.low')}</strong>`}
      </p>
      ${
        open
          ? html`<${MovementForm} business=${business} product=${p} kind=${open}
            onDone=${() => {
              setOpen(null)
              onSaved()
            }} />`
          : html`<div class="row movement-buttons">
            ${movementKinds(user).map(
              (kind) =>
                html`<button key=${kind} class="button secondary" type="button" onClick=${() => setOpen(kind)}>
                  ${t(MOVEMENT_BUTTON[kind])}
                </button>`,
            )}
          </div>`
      }
    </section>
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
        body: {
          product_id: product.id,
          kind,
          quantity: quantity.trim(),
          reason: reason.trim() || undefined,
          idempotency_key: key,
        },
      })
      onDone()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }

  const unit = t(`units.${product.unit}.other`, { qty: '' }).trim() || product.unit
  // Every movement but a delivery says why (a return, a correction, a loss): the ledger shows it.
  const needsReason = kind !== 'receive'
  return html`
    <form class="movement" onSubmit=${save}>
      <label for=${`qty-${product.id}`}>
        ${t(MOVEMENT_QUESTION[kind], { unit })}
      </label>
      <input id=${`qty-${product.id}`} inputmode="decimal" required value=${quantity}
        onInput=${(e) => setQuantity(e.currentTarget.value)} />
      ${
        needsReason &&
        html`<label for=${`reason-${product.id}`}>${t('stock.reason')}</label>
        <input id=${`reason-${product.id}`} required maxlength="200" placeholder=${t(REASON_HINT[kind])} value=${reason}
          onInput=${(e) => setReason(e.currentTarget.value)} />`
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <div class="row">
        <button class="button primary" type="submit" disabled=${busy || !quantity.trim() || (needsReason && !reason.trim())}>
          ${busy ? t('common.saving') : t('common.save')}
        </button>
        <button class="button secondary" type="button" onClick=${onDone} disabled=${busy}>${t('common.cancel')}</button>
      </div>
    </form>
  `
}
