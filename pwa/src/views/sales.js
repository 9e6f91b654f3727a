import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { chosenBusiness } from '../session.js'
import { formatMoment, formatMoney, formatQuantity } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { newUuid } from '../outbox.js'
import { navigate } from '../router.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

/** Recent sales of the chosen business ("/sales"), or one sale to void or refund ("/sales/<id>"). */
export function Sales({ session, runtime, param }) {
  return param
    ? html`<${SaleDetail} runtime=${runtime} id=${param} />`
    : html`<${SalesList} session=${session} runtime=${runtime} />`
}

function SalesList({ session, runtime }) {
  const business = chosenBusiness(session.user)
  const sales = useResource(runtime.poller, 'payments', business && `/payments/businesses/${business}/sales`, {
    delta: true,
  })
  return html`
    <main class="screen sales">
      <h1>${t('sales.title')}</h1>
      <${DataFoot} resources=${[sales]} />
      <section class="card column">
        ${(sales.data?.items ?? []).map(
          (s) => html`
            <a class="order" key=${s.id} href=${`#/sales/${s.id}`} data-sale=${s.id}>
              <span>${formatMoment(s.created_at)} · ${t(`sales.method.${s.method}`)}</span>
              <span class="nowrap">${formatMoney(s.total)} · ${t(`payment_status.${s.status}`)}</span>
            </a>
          `,
        )}
      </section>
    </main>
  `
}

function SaleDetail({ runtime, id }) {
  const sale = useResource(runtime.poller, 'payments', `/payments/sales/${id}`, { fresh: true })
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [done, setDone] = useState(null)
  // One key per refund until it is recorded: a retry after a lost answer is not a second refund.
  const [key, setKey] = useState(newUuid)
  const s = sale.data

  async function send(path, body, headers) {
    setBusy(true)
    setError(null)
    try {
      await api.json(path, { method: 'POST', body, headers })
      sale.refresh()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    } finally {
      setBusy(false)
    }
  }

  async function voidSale() {
    if (await send(`/payments/sales/${id}/void`, { reason })) setDone(t('sales.voided_done'))
  }

  async function refund(line, quantity, damaged) {
    const body = { channel: 'cash', reason, lines: [{ sale_line_id: line.id, quantity, damaged }] }
    if (await send(`/payments/sales/${id}/refunds`, body, { 'Idempotency-Key': key })) {
      setKey(newUuid())
      setDone(t('sales.refund_done'))
    }
  }

  const open = s && ['paid', 'pending', 'failed'].includes(s.status)
  const canVoid = open && !(s.status === 'paid' && s.method === 'mpesa')
  return html`
    <main class="screen sale-detail">
      <button class="button secondary" type="button" onClick=${() => navigate('/sales')}>
        <${Icon} name="back" size=${20} /> ${t('common.back')}
      </button>
      <${DataFoot} resources=${[sale]} />
      ${
        s &&
        html`<section class="card column">
        <h1>${t('sales.sale', { ref: s.reference })}</h1>
        <p>
          ${formatMoment(s.created_at)} · ${t(`sales.method.${s.method}`)} ·
          <span class="nowrap">${formatMoney(s.total)}</span> ·
          <strong data-testid="sale-status">${t(`payment_status.${s.status}`)}</strong>
        </p>
        ${s.void_reason && html`<p>${t('sales.void_reason', { reason: s.void_reason })}</p>`}
        ${Number(s.refunded) > 0 && html`<p data-testid="refunded">${t('sales.refunded', { amount: formatMoney(s.refunded) })}</p>`}
        ${
          open &&
          html`<label for="undo-reason">${t('sales.reason')}</label>
          <input id="undo-reason" maxlength="200" placeholder=${t('sales.reason_hint')} value=${reason}
            onInput=${(e) => setReason(e.currentTarget.value)} />`
        }
        ${s.lines.map(
          (line) =>
            html`<${Line} key=${line.id} line=${line} canRefund=${s.status === 'paid'} busy=${busy || !reason.trim()} onRefund=${refund} />`,
        )}
        ${
          canVoid &&
          html`<button class="button danger" type="button" disabled=${busy || !reason.trim()} onClick=${voidSale}>
          <${Icon} name="cross" size=${20} /> ${t('sales.void')}
        </button>`
        }
      </section>`
      }
      ${done && html`<p class="card" role="status">${done}</p>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
    </main>
  `
}

/** One sale line; while some of it can still go back, a quantity to refund in cash. */
function Line({ line, canRefund, busy, onRefund }) {
  const left = Number(line.quantity) - Number(line.refunded_quantity)
  const [quantity, setQuantity] = useState(String(left > 0 ? Math.min(1, left) : 0))
  const [damaged, setDamaged] = useState(false)
  return html`
    <div class="order column" data-line=${line.id}>
      <p>
        ${line.name} · ${formatQuantity(line.quantity)} · <span class="nowrap">${formatMoney(line.line_total)}</span>
        ${Number(line.refunded_quantity) > 0 && html` · ${t('sales.line_refunded', { quantity: formatQuantity(line.refunded_quantity) })}`}
      </p>
      ${
        canRefund &&
        left > 0 &&
        html`<div class="form-grid">
        <div>
          <label for=${`refund-qty-${line.id}`}>${t('sales.quantity_back')}</label>
          <input id=${`refund-qty-${line.id}`} inputmode="decimal" value=${quantity} onInput=${(e) => setQuantity(e.currentTarget.value)} />
        </div>
        <label class="check">
          <input type="checkbox" checked=${damaged} onChange=${(e) => setDamaged(e.currentTarget.checked)} />
          ${t('sales.damaged')}
        </label>
        </div>
        <button class="button secondary" type="button" disabled=${busy} onClick=${() => onRefund(line, quantity, damaged)}>
          <${Icon} name="coins" size=${20} /> ${t('sales.refund_cash')}
        </button>`
      }
    </div>
  `
}
