import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoment, formatMoney, formatQuantity } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { ManageTabs } from './manage-tabs.js'

const MONEY = /^\d{1,8}(\.\d{1,2})?$/
export const PRODUCT_UNITS = ['piece', 'refill', 'kg', 'litre', 'bag', 'packet', 'bottle']

/**
 * The owner's products per business: add one (name, unit, price, counted or not, reorder
 * level), change a price (the next sale uses it; the old prices stay in the history), stop
 * selling one (deactivate) or sell it again.
 */
export function Products({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const products = useResource(runtime.poller, 'inventory', `/inventory/businesses/${business}/products`, {
    delta: true,
  })
  const items = (products.data?.items ?? []).slice().sort((a, b) => b.active - a.active || a.name.localeCompare(b.name))
  return html`
    <main class="screen products">
      <${ManageTabs} on="/products" />
      <h1>${t('products.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business}
        onChange=${(code) => {
          chooseBusiness(user, code)
          setBusiness(code)
        }} />
      <${DataFoot} resources=${[products]} />
      ${items.map((p) => html`<${ProductCard} key=${p.id} product=${p} onSaved=${products.refresh} />`)}
      <${AddProduct} key=${business} business=${business} onSaved=${products.refresh} />
    </main>
  `
}

function ProductCard({ product, onSaved }) {
  const [price, setPrice] = useState('')
  const [history, setHistory] = useState(null)
  const [ledger, setLedger] = useState(null)
  const [error, setError] = useState(null)

  async function send(path, init) {
    setError(null)
    try {
      await api.json(path, init)
      setPrice('')
      setHistory(null)
      onSaved()
    } catch (e) {
      setError(errorText(e))
    }
  }
  const showHistory = () =>
    api
      .json(`/inventory/products/${product.id}/prices`)
      .then((answer) => setHistory(answer.items))
      .catch((e) => setError(errorText(e)))
  const showLedger = () =>
    Promise.all([
      api.json(`/inventory/businesses/${product.business}/movements?product_id=${product.id}&limit=50`),
      api.json('/auth/users'),
    ])
      .then(([moves, people]) => {
        const names = Object.fromEntries(people.map((p) => [p.id, p.display_name]))
        setLedger(moves.items.map((m) => ({ ...m, who: names[m.created_by] ?? '—' })))
      })
      .catch((e) => setError(errorText(e)))
  const setActive = (active) => send(`/inventory/products/${product.id}`, { method: 'PATCH', body: { active } })
  const id = `price-${product.id}`
  return html`
    <section class="card product-item">
      <h2 class="card-title">${product.name}</h2>
      <p class="figure">${formatMoney(product.price)}</p>
      <p class="fine-print">
        ${product.track_stock ? t('products.counted') : t('products.not_counted')}${product.active ? '' : ` · ${t('products.stopped')}`}
      </p>
      <label for=${id}>${t('products.new_price')}</label>
      <input id=${id} inputmode="decimal" value=${price} onInput=${(e) => setPrice(e.currentTarget.value.trim())} />
      ${price && !MONEY.test(price) && html`<p class="problem">${t('products.price_shape')}</p>`}
      <div class="row">
        <button class="button primary" type="button" disabled=${!MONEY.test(price)}
          onClick=${() => send(`/inventory/products/${product.id}/price`, { method: 'PUT', body: { price } })}>
          ${t('products.change_price')}
        </button>
        <button class="button secondary" type="button" onClick=${showHistory}>${t('products.history')}</button>
        ${product.track_stock && html`<button class="button secondary" type="button" onClick=${showLedger}>${t('products.ledger')}</button>`}
        <button class="button secondary" type="button" onClick=${() => setActive(!product.active)}>
          ${product.active ? t('products.stop') : t('products.restart')}
        </button>
      </div>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${
        history &&
        html`<ul class="price-history">
          ${history.map((h) => html`<li>${formatMoney(h.price)} · ${t('products.since', { when: formatMoment(h.valid_from) })}</li>`)}
        </ul>`
      }
      ${
        ledger &&
        html`<ul class="price-history ledger">
          ${ledger.length === 0 && html`<li>${t('products.ledger_empty')}</li>`}
          ${ledger.map(
            (m) =>
              html`<li>${formatMoment(m.created_at)} · ${t(`reports.columns.${m.kind}`)} ${formatQuantity(m.quantity)} · ${m.who}${m.reason ? ` · ${m.reason}` : ''}</li>`,
          )}
        </ul>`
      }
    </section>
  `
}

const EMPTY = { name: '', sku: '', unit: 'piece', price: '', track_stock: true, reorder_level: '0' }

function AddProduct({ business, onSaved }) {
  const [form, setForm] = useState(EMPTY)
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value })
  const ready = form.name.trim() && MONEY.test(form.price)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const sku =
      form.sku.trim() ||
      form.name
        .trim()
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '-')
        .slice(0, 40)
    try {
      await api.json(`/inventory/businesses/${business}/products`, {
        method: 'POST',
        body: { ...form, name: form.name.trim(), sku, reorder_level: form.reorder_level || '0' },
      })
      setForm(EMPTY)
      onSaved()
    } catch (e) {
      setError(errorText(e))
    }
    setBusy(false)
  }

  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('products.add_title')}</h2>
      <div class="form-grid">
        <div>
          <label for="product-name">${t('products.name')}</label>
          <input id="product-name" value=${form.name} maxlength="120" onInput=${set('name')} />
        </div>
        <div>
          <label for="product-price">${t('products.price')}</label>
          <input id="product-price" inputmode="decimal" value=${form.price} onInput=${set('price')} />
        </div>
        <div>
          <label for="product-unit">${t('products.unit')}</label>
          <select id="product-unit" value=${form.unit} onChange=${set('unit')}>
            ${PRODUCT_UNITS.map((u) => html`<option value=${u}>${t(`products.units.${u}`)}</option>`)}
          </select>
        </div>
        <div>
          <label for="product-reorder">${t('products.reorder')}</label>
          <input id="product-reorder" inputmode="decimal" value=${form.reorder_level} onInput=${set('reorder_level')} />
        </div>
      </div>
      <label class="check">
        <input type="checkbox" checked=${form.track_stock} onChange=${(e) => setForm({ ...form, track_stock: e.currentTarget.checked })} />
        ${t('products.count_stock')}
      </label>
      ${form.price && !MONEY.test(form.price) && html`<p class="problem">${t('products.price_shape')}</p>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button primary wide" type="submit" disabled=${busy || !ready}>
        ${busy ? t('common.saving') : t('products.add')}
      </button>
    </form>
  `
}
