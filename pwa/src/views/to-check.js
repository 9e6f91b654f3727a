import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { formatMoment, formatMoney, formatPhone, lineTotal } from '../format.js'
import { useRuntimeStatus } from '../hooks.js'
import { t } from '../i18n/index.js'
import { Icon } from '../components/icon.js'

export const CHECK_KINDS = ['review', 'unmatched', 'waiting', 'refund']

/**
 * The owner's one list of what needs checking: M-Pesa payments under review (decide with a
 * note), till/paybill payments no sale claimed (attach to the sale, or record as a sale of their
 * own), pushes still unanswered past "check later", M-Pesa refunds that got no answer (say whether
 * the money went back), and sales this phone could not record. Each says what happened and what to do.
 */
export function ToCheck({ session, runtime }) {
  const [list, setList] = useState(null)
  const [error, setError] = useState(null)
  const { attention } = useRuntimeStatus(runtime)

  // Past the gateway's one-second cache: right after a decision the list must already show it.
  const load = () =>
    api
      .json('/payments/businesses/all/to-check', { headers: { 'Cache-Control': 'no-cache' } })
      .then(setList)
      .catch((e) => setError(errorText(e)))
  useEffect(() => {
    load()
  }, [])

  async function act(path, body) {
    setError(null)
    try {
      await api.json(path, { method: 'POST', body })
      await load()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }

  const count = (list?.count ?? 0) + attention
  return html`
    <main class="screen to-check">
      <h1>${t('tocheck.title')}</h1>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${list && count === 0 && html`<p class="banner good">${t('tocheck.none')}</p>`}
      ${
        attention > 0 &&
        html`<section class="card check-item">
          <h2 class="card-title">${t('tocheck.refused', { count: attention })}</h2>
          <p>${t('tocheck.refused_todo')}</p>
          <a class="button secondary link-button" href="#/attention">${t('tocheck.see_refused')} <${Icon} name="next" /></a>
        </section>`
      }
      ${list?.items.map(
        (item) =>
          html`<${Item} key=${`${item.kind}-${(item.payment ?? item.refund).id}`} item=${item} act=${act}
            businesses=${session.user.businesses} />`,
      )}
    </main>
  `
}

function Item({ item, act, businesses }) {
  const { kind } = item
  const payment = item.payment ?? item.refund
  const words = {
    amount: formatMoney(payment.amount),
    phone: payment.phone ? formatPhone(payment.phone) : '—',
    receipt: payment.receipt ?? '—',
    when: formatMoment(payment.created_at),
    sale: item.refund ? `TT${item.refund.sale_id}` : '',
  }
  return html`
    <section class="card check-item" data-kind=${kind}>
      <h2 class="card-title">${t(`tocheck.${kind}.title`, words)}</h2>
      <p>${t(`tocheck.${kind}.what`, words)}</p>
      ${kind === 'review' && payment.review_reason && html`<p class="fine-print">${payment.review_reason}</p>`}
      <p><strong>${t(`tocheck.${kind}.todo`)}</strong></p>
      ${kind === 'review' && html`<${Resolve} payment=${payment} act=${act} />`}
      ${kind === 'unmatched' && html`<${Attach} payment=${payment} act=${act} />`}
      ${kind === 'unmatched' && html`<${RecordSale} payment=${payment} act=${act} businesses=${businesses} />`}
      ${kind === 'refund' && html`<${ResolveRefund} refund=${item.refund} act=${act} />`}
    </section>
  `
}

function Resolve({ payment, act }) {
  const [note, setNote] = useState('')
  const [receipt, setReceipt] = useState('')
  const id = `note-${payment.id}`
  const send = (action) =>
    act(`/payments/mpesa/${payment.id}/resolve`, {
      action,
      note: note.trim(),
      receipt: action === 'paid' ? receipt.trim().toUpperCase() : null,
    })
  return html`
    <label for=${id}>${t('tocheck.note')}</label>
    <input id=${id} value=${note} maxlength="255" onInput=${(e) => setNote(e.currentTarget.value)} />
    <label for=${`receipt-${payment.id}`}>${t('tocheck.receipt')}</label>
    <input id=${`receipt-${payment.id}`} value=${receipt} maxlength="32" autocapitalize="characters"
      onInput=${(e) => setReceipt(e.currentTarget.value)} />
    <div class="row">
      <button class="button primary" type="button" disabled=${!note.trim() || !receipt.trim()} onClick=${() => send('paid')}>
        ${t('tocheck.paid')}
      </button>
      <button class="button secondary" type="button" disabled=${!note.trim()} onClick=${() => send('failed')}>
        ${t('tocheck.not_paid')}
      </button>
    </div>
  `
}

function Attach({ payment, act }) {
  const [sale, setSale] = useState('')
  const id = `sale-${payment.id}`
  const attach = () => act(`/payments/c2b/${payment.receipt}/attach`, { sale_id: Number(sale) })
  return html`
    <label for=${id}>${t('tocheck.sale_number')}</label>
    <input id=${id} inputmode="numeric" value=${sale} onInput=${(e) => setSale(e.currentTarget.value.replace(/\D/g, ''))} />
    <button class="button primary wide" type="button" disabled=${!sale} onClick=${attach}>${t('tocheck.attach')}</button>
  `
}

/** A refund M-Pesa never answered: the owner says whether the money went back, with a note. */
function ResolveRefund({ refund, act }) {
  const [note, setNote] = useState('')
  const [receipt, setReceipt] = useState('')
  const send = (action) =>
    act(`/payments/refunds/${refund.id}/resolve`, {
      action,
      note: note.trim(),
      receipt: action === 'paid' && receipt.trim() ? receipt.trim().toUpperCase() : null,
    })
  return html`
    <label for=${`refund-note-${refund.id}`}>${t('tocheck.note')}</label>
    <input id=${`refund-note-${refund.id}`} value=${note} maxlength="255" onInput=${(e) => setNote(e.currentTarget.value)} />
    <label for=${`refund-receipt-${refund.id}`}>${t('tocheck.receipt')}</label>
    <input id=${`refund-receipt-${refund.id}`} value=${receipt} maxlength="32" autocapitalize="characters"
      onInput=${(e) => setReceipt(e.currentTarget.value)} />
    <div class="row">
      <button class="button primary" type="button" disabled=${!note.trim()} onClick=${() => send('paid')}>
        ${t('tocheck.money_back')}
      </button>
      <button class="button secondary" type="button" disabled=${!note.trim()} onClick=${() => send('failed')}>
        ${t('tocheck.money_not_back')}
      </button>
    </div>
  `
}

/**
 * No sale for a till payment: record what was sold as a new sale, paid by it. One product and a
 * quantity (what a till payment nearly always is); the goods must come to the payment's amount.
 */
function RecordSale({ payment, act, businesses }) {
  const open = businesses.filter((b) => !b.archived)
  const [business, setBusiness] = useState(open[0]?.code ?? '')
  const [products, setProducts] = useState([])
  const [product, setProduct] = useState('')
  const [quantity, setQuantity] = useState('1')
  useEffect(() => {
    setProducts([])
    setProduct('')
    if (!business) return
    api
      .json(`/inventory/businesses/${business}/products`)
      .then((answer) => setProducts(answer.items.filter((p) => p.active !== false)))
      .catch(() => {})
  }, [business])
  const chosen = products.find((p) => String(p.id) === product)
  const total = chosen && /^\d+(\.\d{1,3})?$/.test(quantity) ? lineTotal(chosen.price, quantity) : null
  const id = (what) => `${what}-${payment.id}`
  const record = () =>
    act(`/payments/c2b/${payment.receipt}/sale`, {
      business,
      lines: [{ product_id: chosen.id, quantity }],
    })
  return html`
    <fieldset class="column record-sale">
      <legend>${t('tocheck.or_new_sale')}</legend>
      <label for=${id('business')}>${t('tocheck.business')}</label>
      <select id=${id('business')} value=${business} onChange=${(e) => setBusiness(e.currentTarget.value)}>
        ${open.map((b) => html`<option key=${b.code} value=${b.code}>${b.name}</option>`)}
      </select>
      <label for=${id('product')}>${t('tocheck.product')}</label>
      <select id=${id('product')} value=${product} onChange=${(e) => setProduct(e.currentTarget.value)}>
        <option value="">—</option>
        ${products.map((p) => html`<option key=${p.id} value=${p.id}>${p.name} · ${formatMoney(p.price)}</option>`)}
      </select>
      <label for=${id('quantity')}>${t('tocheck.quantity')}</label>
      <input id=${id('quantity')} inputmode="decimal" value=${quantity} onInput=${(e) => setQuantity(e.currentTarget.value.trim())} />
      ${total && html`<p class="fine-print">${t('tocheck.goods_total', { total: formatMoney(total), amount: formatMoney(payment.amount) })}</p>`}
      <button class="button primary wide" type="button" disabled=${!chosen || total !== payment.amount} onClick=${record}>
        ${t('tocheck.record_sale')}
      </button>
    </fieldset>
  `
}
