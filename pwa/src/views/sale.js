import { useMemo, useRef, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { useResource, useRuntimeStatus } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoney, formatQuantity, lineTotal, normalisePhone, sumMoney } from '../format.js'
import { errorText, plainError } from '../error-words.js'
import { t } from '../i18n/index.js'
import { recentProducts, rememberProducts } from '../recent.js'
import { shiftField } from '../shift.js'
import { deviceId } from '../device.js'
import { navigate } from '../router.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { CustomerPicker, creditErrorText } from '../components/customer-picker.js'

const SHOWN = 30

/**
 * Record a sale: tap products (recent ones first, or search), adjust quantities, pick cash or
 * M-Pesa, confirm. A common cash sale is Sell → product → Cash → Confirm. Cash sales go through
 * the outbox (they work offline); an M-Pesa sale needs the network and opens its status screen.
 * A sale on account (deni) names its customer, found or added in the picker, and needs the network:
 * only the server can say whether it fits their limit.
 */
export function Sale({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const products = useResource(runtime.poller, 'inventory', `/inventory/businesses/${business}/products`, {
    delta: true,
  })
  const status = useRuntimeStatus(runtime)
  const [cart, setCart] = useState([])
  const [query, setQuery] = useState('')
  const [method, setMethod] = useState(null)
  const [phone, setPhone] = useState('')
  const [customer, setCustomer] = useState(null)
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(null)
  // One idempotency key per M-Pesa or on-account sale being confirmed: a retry after a lost answer reuses it.
  const mpesaKey = useRef(null)

  const active = useMemo(() => (products.data?.items ?? []).filter((p) => p.active !== false), [products.data])
  const recent = useMemo(() => {
    const byId = new Map(active.map((p) => [p.id, p]))
    return recentProducts(user.id, business)
      .map((id) => byId.get(id))
      .filter(Boolean)
  }, [active, business, done])
  const found = useMemo(() => {
    const words = query.trim().toLowerCase()
    const matches = words ? active.filter((p) => `${p.name} ${p.sku}`.toLowerCase().includes(words)) : active
    return matches.slice(0, SHOWN)
  }, [active, query])
  const total = sumMoney(cart.map((line) => lineTotal(line.price, line.quantity)))

  function changed(next) {
    mpesaKey.current = null
    setError(null)
    setDone(null)
    setCart(next)
  }

  function add(product) {
    const line = cart.find((l) => l.id === product.id)
    if (line) return changed(cart.map((l) => (l === line ? { ...l, quantity: step(l.quantity, 1) } : l)))
    changed([...cart, { id: product.id, name: product.name, unit: product.unit, price: product.price, quantity: '1' }])
  }

  function setQuantity(id, quantity) {
    changed(cart.map((l) => (l.id === id ? { ...l, quantity } : l)).filter((l) => l.quantity !== '0'))
  }

  function pickBusiness(code) {
    chooseBusiness(user, code)
    setBusiness(code)
    changed([])
    setMethod(null)
  }

  async function confirm() {
    const lines = cart.map((l) => ({ product_id: l.id, quantity: l.quantity }))
    if (lines.some((l) => !/^\d+(\.\d{1,3})?$/.test(l.quantity) || Number(l.quantity) <= 0)) {
      return setError(t('sale.quantity_wrong'))
    }
    // Kept with an outbox sale and shown on the Attention screen, so it uses neutral symbols.
    const label = `${formatMoney(total)} · ${cart.map((l) => `${formatQuantity(l.quantity)} × ${l.name}`).join(', ')}`
    setBusy(true)
    setError(null)
    try {
      if (method === 'cash') {
        const body = { method: 'cash', lines, ...shiftField(user.id, business) }
        const sent = await runtime.recordSale({ business, body, label, amount: total })
        rememberProducts(
          user.id,
          business,
          cart.map((l) => l.id),
        )
        chooseBusiness(user, business)
        setDone({ label, business, body, key: sent.key })
        setCart([])
        setMethod(null)
      } else if (method === 'account') {
        await onAccount(lines, label)
      } else {
        await startMpesa(lines)
      }
    } catch (e) {
      setError(creditErrorText(e))
    } finally {
      setBusy(false)
    }
  }

  async function onAccount(lines, label) {
    mpesaKey.current ??= newUuid()
    const key = mpesaKey.current
    const body = { method: 'account', lines, customer_id: customer.id, ...shiftField(user.id, business) }
    await api.json(`/payments/businesses/${business}/sales`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key },
      body,
    })
    mpesaKey.current = null
    rememberProducts(
      user.id,
      business,
      cart.map((l) => l.id),
    )
    setDone({ label, business, body, key, customer: customer.name })
    setCart([])
    setMethod(null)
    setCustomer(null)
  }

  async function startMpesa(lines) {
    const customer = normalisePhone(phone)
    if (!customer) throw plainError(t('sale.phone_wrong'))
    mpesaKey.current ??= newUuid()
    const sale = await api.json(`/payments/businesses/${business}/sales`, {
      method: 'POST',
      headers: { 'Idempotency-Key': mpesaKey.current },
      body: { method: 'mpesa', lines, customer_phone: customer, device: deviceId() },
    })
    rememberProducts(
      user.id,
      business,
      cart.map((l) => l.id),
    )
    chooseBusiness(user, business)
    const payment = await requestPush(sale.id, customer)
    navigate(`/mpesa/${payment.id}`)
  }

  /** The receipt of the sale just made: its key again returns the sale (recorded once, whenever sent). */
  async function openReceipt() {
    setBusy(true)
    setError(null)
    try {
      const sale = await api.json(`/payments/businesses/${done.business}/sales`, {
        method: 'POST',
        headers: { 'Idempotency-Key': done.key },
        body: done.body,
      })
      navigate(`/sales/${sale.id}`)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const ready = cart.length > 0 && method && (method === 'cash' || (method === 'account' ? customer : phone.trim()))
  const items = cart.length
  return html`
    <main class=${`screen sale ${cart.length ? 'has-cart' : ''}`}>
      <h1>${t('sale.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business} onChange=${pickBusiness} />
      ${
        done &&
        html`<p class="banner good" role="status">
        <${Icon} name="check" size=${20} /> ${
          done.customer
            ? t('sale.account_done', { label: done.label, name: done.customer })
            : t('sale.cash_done', { label: done.label })
        }
        <br />${status.waiting > 0 && !done.customer ? t('sale.saved_on_phone') : t('sale.recorded')}
        <button class="button small" type="button" disabled=${busy} onClick=${openReceipt}>${t('receipt.show')}</button>
      </p>`
      }
      ${done && error && html`<p class="problem" role="alert">${error}</p>`}
      <${DataFoot} resources=${[products]} />
      ${
        recent.length > 0 &&
        html`<h2 class="card-title">${t('sale.recent')}</h2>
        <div class="tiles">${recent.map((p) => html`<${Tile} key=${p.id} product=${p} onPick=${add} />`)}</div>`
      }
      <label for="product-search">${t('sale.find')}</label>
      <input
        id="product-search"
        type="search"
        placeholder=${t('sale.find_hint')}
        value=${query}
        onInput=${(e) => setQuery(e.currentTarget.value)}
      />
      <div class="tiles all">
        ${found.map((p) => html`<${Tile} key=${p.id} product=${p} onPick=${add} />`)}
        ${products.data && found.length === 0 && html`<p>${t('sale.no_match')}</p>`}
      </div>
      ${
        cart.length > 0 &&
        html`<section class="card cart" id="cart" aria-label=${t('sale.this_sale')}>
        <h2 class="card-title">${t('sale.this_sale')}</h2>
        ${cart.map((l) => html`<${CartLine} key=${l.id} line=${l} setQuantity=${setQuantity} />`)}
        <p class="total">${t('sale.total')} <strong>${formatMoney(total)}</strong></p>
        <div class="row methods" role="group" aria-label=${t('sale.payment')}>
          <button type="button" class=${`switch ${method === 'cash' ? 'on' : ''}`} aria-pressed=${method === 'cash'}
            onClick=${() => setMethod('cash')}><${Icon} name="cash" /> ${t('sale.cash')}</button>
          <button type="button" class=${`switch ${method === 'mpesa' ? 'on' : ''}`} aria-pressed=${method === 'mpesa'}
            onClick=${() => setMethod('mpesa')}><${Icon} name="phone" /> ${t('sale.mpesa')}</button>
          <button type="button" class=${`switch ${method === 'account' ? 'on' : ''}`} aria-pressed=${method === 'account'}
            onClick=${() => setMethod('account')}><${Icon} name="receipt" /> ${t('sale.account')}</button>
        </div>
        ${method === 'account' && html`<${CustomerPicker} picked=${customer} onPick=${setCustomer} owner=${user.role === 'owner'} />`}
        ${
          method === 'mpesa' &&
          html`<label for="customer-phone">${t('sale.customer_phone')}</label>
          <input id="customer-phone" type="tel" inputmode="tel" autocomplete="off" placeholder="0712 345 678"
            value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} />`
        }
        ${error && html`<p class="problem" role="alert">${error}</p>`}
        <button class="button primary" type="button" disabled=${!ready || busy} onClick=${confirm}>
          ${busy ? t('common.wait') : t(method === 'mpesa' ? 'sale.send_mpesa' : method === 'account' ? 'sale.confirm_account' : 'sale.confirm', { amount: formatMoney(total) })}
        </button>
      </section>`
      }
      <button class="button quiet wide" type="button" onClick=${() => navigate('/')}>${t('sale.done')}</button>
      ${
        cart.length > 0 &&
        html`<a class="cart-bar" href="#cart" onClick=${toCart}>
        <span>${t('sale.items', { count: items })} · <strong>${formatMoney(total)}</strong></span>
        <span class="cart-bar-go">${t('sale.to_payment')} <${Icon} name="next" size=${20} /></span>
      </a>`
      }
    </main>
  `
}

/** The bar's link jumps to the cart without changing the route (routes are hash paths). */
function toCart(event) {
  event.preventDefault()
  document.getElementById('cart')?.scrollIntoView({ behavior: 'smooth', block: 'start' })
}

/** Ask for an STK push for a sale; if one is already active, go on with that one. */
export async function requestPush(saleId, phone) {
  try {
    return await api.json(`/payments/sales/${saleId}/stk-push`, { method: 'POST', body: { phone } })
  } catch (e) {
    if (e.status !== 409) throw e
    const sale = await api.json(`/payments/sales/${saleId}`)
    if (sale.payment?.id && sale.payment.status === 'pending') return sale.payment
    throw e
  }
}

function step(quantity, by) {
  const whole = Math.floor(Number(quantity) || 0)
  return String(Math.max(0, whole + by))
}

function Tile({ product, onPick }) {
  return html`
    <button type="button" class="tile" onClick=${() => onPick(product)}>
      <span class="tile-name">${product.name}</span>
      <span class="tile-price">${formatMoney(product.price)}</span>
    </button>
  `
}

function CartLine({ line, setQuantity }) {
  return html`
    <div class="cart-line">
      <span class="cart-name">${line.name}<br /><small>${formatMoney(lineTotal(line.price, line.quantity))}</small></span>
      <button type="button" class="button small" aria-label=${t('sale.one_less', { name: line.name })}
        onClick=${() => setQuantity(line.id, step(line.quantity, -1))}>−</button>
      <input class="qty" inputmode="decimal" aria-label=${t('sale.quantity_of', { name: line.name })} value=${line.quantity}
        onInput=${(e) => setQuantity(line.id, e.currentTarget.value.trim() || '')} />
      <button type="button" class="button small" aria-label=${t('sale.one_more', { name: line.name })}
        onClick=${() => setQuantity(line.id, step(line.quantity, 1))}>+</button>
    </div>
  `
}
