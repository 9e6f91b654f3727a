import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { businessDay, formatMoment, formatMoney, formatPhone, formatQuantity } from '../format.js'
import { errorText } from '../error-words.js'
import { refundFailureReason } from '../mpesa-words.js'
import { t } from '../i18n/index.js'
import { newUuid } from '../outbox.js'
import { navigate } from '../router.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { ReceiptShare } from '../components/receipt-share.js'

/** The sales history of the chosen business ("/sales"), or one sale to read, void or refund ("/sales/<id>"). */
export function Sales({ session, runtime, param }) {
  return param
    ? html`<${SaleDetail} session=${session} runtime=${runtime} id=${param} />`
    : html`<${SalesList} session=${session} runtime=${runtime} />`
}

const METHODS = ['cash', 'mpesa', 'account']
const STATUSES = ['paid', 'pending', 'failed', 'cancelled', 'voided']

/** The sales history query string: a business day, a seller, a method, a status (empty: all). */
export function salesQuery({ day, staff, method, status }) {
  const query = new URLSearchParams(Object.entries({ day, staff, method, status }).filter(([, v]) => v))
  const text = query.toString()
  return text ? `?${text}` : ''
}

/** YYYY-MM-DD in Nairobi, `back` days before today. */
function dayBefore(back) {
  return businessDay(new Date(Date.now() - back * 86_400_000).toISOString())
}

/** Who recorded sales: the owner sees everyone's names; staff see their own. */
function useSellers(user) {
  const [sellers, setSellers] = useState([{ id: user.id, display_name: user.display_name }])
  useEffect(() => {
    if (user.role !== 'owner') return
    api
      .json('/auth/users')
      .then(setSellers)
      .catch(() => {})
  }, [user.id])
  return sellers
}

/**
 * The sales history of the chosen business ("/sales"): recent sales, or one business day's, by
 * seller, method and status; delta-polled. A delta names every changed sale of the day, seller
 * and method, so the status is also checked here (a sale that was voided leaves "paid").
 */
function SalesList({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const [filter, setFilter] = useState({ day: '', staff: '', method: '', status: '' })
  const sellers = useSellers(user)
  const set = (field) => (event) => setFilter({ ...filter, [field]: event.currentTarget.value })
  const url = business && `/payments/businesses/${business}/sales${salesQuery(filter)}`
  const sales = useResource(runtime.poller, 'payments', url, { delta: true })
  const names = new Map(sellers.map((u) => [u.id, u.display_name]))
  const shown = (sales.data?.items ?? [])
    .filter((s) => !filter.status || s.status === filter.status)
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
  const days = [
    ['', t('sales.filter.recent')],
    [dayBefore(0), t('sales.filter.today')],
    [dayBefore(1), t('sales.filter.yesterday')],
  ]
  return html`
    <main class="screen sales">
      <h1>${t('sales.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business}
        onChange=${(code) => {
          chooseBusiness(user, code)
          setBusiness(code)
        }} />
      <section class="card form-grid sales-filter" aria-label=${t('sales.filter.title')}>
        <div class="row" role="group" aria-label=${t('sales.filter.day')}>
          ${days.map(
            ([day, words]) => html`<button type="button" key=${words} aria-pressed=${filter.day === day}
              class=${`button small ${filter.day === day ? 'primary' : 'secondary'}`}
              onClick=${() => setFilter({ ...filter, day })}>${words}</button>`,
          )}
        </div>
        <div>
          <label for="sales-day">${t('sales.filter.day')}</label>
          <input id="sales-day" type="date" value=${filter.day} max=${dayBefore(0)} onChange=${set('day')} />
        </div>
        <${Choice} field="staff" filter=${filter} set=${set} all=${t('sales.filter.everyone')}
          options=${sellers.map((u) => [u.id, u.display_name])} />
        <${Choice} field="method" filter=${filter} set=${set} all=${t('sales.filter.any')}
          options=${METHODS.map((m) => [m, t(`sales.method.${m}`)])} />
        <${Choice} field="status" filter=${filter} set=${set} all=${t('sales.filter.any')}
          options=${STATUSES.map((st) => [st, t(`payment_status.${st}`)])} />
      </section>
      <${DataFoot} resources=${[sales]} />
      <section class="card column">
        ${sales.data && !shown.length && html`<p>${t('sales.none')}</p>`}
        ${shown.map(
          (s) => html`
            <a class="order" key=${s.id} href=${`#/sales/${s.id}`} data-sale=${s.id}>
              <span>${formatMoment(s.created_at)} · ${t(`sales.method.${s.method}`)}${
                names.has(s.created_by) ? ` · ${names.get(s.created_by)}` : ''
              }</span>
              <span class="nowrap">${formatMoney(s.total)} · ${statusWord(s)}</span>
            </a>
          `,
        )}
      </section>
    </main>
  `
}

/** One filter of the history: a labelled list, "all" first. */
function Choice({ field, filter, set, all, options }) {
  return html`
    <div>
      <label for=${`sales-${field}`}>${t(`sales.filter.${field}`)}</label>
      <select id=${`sales-${field}`} value=${filter[field]} onChange=${set(field)}>
        <option value="">${all}</option>
        ${options.map(([value, words]) => html`<option key=${value} value=${value}>${words}</option>`)}
      </select>
    </div>
  `
}

function SaleDetail({ session, runtime, id }) {
  const sale = useResource(runtime.poller, 'payments', `/payments/sales/${id}`, { fresh: true })
  const sellers = useSellers(session.user)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [done, setDone] = useState(null)
  // One key per refund until it is recorded: a retry after a lost answer is not a second refund.
  const [key, setKey] = useState(newUuid)
  // How an M-Pesa sale is paid back: cash from the till, a reversal, or B2C to a phone.
  const [channel, setChannel] = useState('cash')
  const [phone, setPhone] = useState('')
  const s = sale.data
  const waiting = (s?.refunds ?? []).some((r) => r.status === 'pending')
  // While M-Pesa has not answered a refund yet, ask again every few seconds.
  useEffect(() => {
    if (!waiting) return undefined
    const timer = setInterval(() => sale.refresh(), 3000)
    return () => clearInterval(timer)
  }, [waiting])

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
    const how = s.method === 'mpesa' ? channel : s.method === 'account' ? 'account' : 'cash'
    const body = { channel: how, reason, lines: [{ sale_line_id: line.id, quantity, damaged }] }
    if (how === 'b2c' && phone.trim()) body.phone = phone.trim()
    if (await send(`/payments/sales/${id}/refunds`, body, { 'Idempotency-Key': key })) {
      setKey(newUuid())
      setDone(t(how === 'cash' ? 'sales.refund_done' : 'sales.refund_sent'))
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
          <strong data-testid="sale-status">${statusWord(s)}</strong>
        </p>
        <${Provenance} sale=${s} sellers=${sellers} />
        ${s.void_reason && html`<p>${t('sales.void_reason', { reason: s.void_reason })}</p>`}
        ${Number(s.refunded) > 0 && html`<p data-testid="refunded">${t('sales.refunded', { amount: formatMoney(s.refunded) })}</p>`}
        ${
          open &&
          html`<label for="undo-reason">${t('sales.reason')}</label>
          <input id="undo-reason" maxlength="200" placeholder=${t('sales.reason_hint')} value=${reason}
            onInput=${(e) => setReason(e.currentTarget.value)} />`
        }
        ${
          s.status === 'paid' &&
          s.method === 'mpesa' &&
          html`<${RefundChannel} channel=${channel} onChannel=${setChannel} phone=${phone} onPhone=${setPhone} />`
        }
        ${s.lines.map(
          (line) =>
            html`<${Line} key=${line.id} line=${line} canRefund=${s.status === 'paid'} busy=${busy || !reason.trim()}
              label=${t(s.method === 'mpesa' ? `sales.refund_by.${channel}` : s.method === 'account' ? 'sales.refund_account' : 'sales.refund_cash')} onRefund=${refund} />`,
        )}
        <${MpesaRefunds} refunds=${s.refunds ?? []} />
        ${
          canVoid &&
          html`<button class="button danger" type="button" disabled=${busy || !reason.trim()} onClick=${voidSale}>
          <${Icon} name="cross" size=${20} /> ${t('sales.void')}
        </button>`
        }
      </section>`
      }
      ${s && html`<${ReceiptShare} sale=${s} businessName=${businessName(session, s.business)} />`}
      ${done && html`<p class="card" role="status">${done}</p>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
    </main>
  `
}

function businessName(session, code) {
  return session.user.businesses.find((b) => b.code === code)?.name ?? code
}

/** A sale on account is complete but owed: it says so rather than "paid". */
function statusWord(sale) {
  return sale.method === 'account' && sale.status === 'paid' ? t('sales.owed') : t(`payment_status.${sale.status}`)
}

/** Who recorded the sale, on which phone, and its M-Pesa payment and receipt. */
function Provenance({ sale, sellers }) {
  const seller = sellers.find((u) => u.id === sale.created_by)
  const payment = sale.payment
  return html`
    <dl class="provenance" data-testid="sale-provenance">
      <dt>${t('sales.recorded_by')}</dt>
      <dd>${seller?.display_name ?? (sale.created_by ? t('sales.someone', { id: sale.created_by }) : '—')}</dd>
      <dt>${t('sales.device')}</dt>
      <dd>${sale.device ?? t('sales.device_unknown')}</dd>
      ${
        payment &&
        html`<dt>${t('sales.payment')}</dt>
        <dd>${t(`payment_status.${payment.status}`)}${payment.phone ? ` · ${formatPhone(payment.phone)}` : ''}</dd>
        <dt>${t('sales.receipt')}</dt>
        <dd data-testid="sale-receipt">${payment.receipt ?? '—'}</dd>`
      }
    </dl>
  `
}

/** How an M-Pesa sale's money goes back; B2C may name another phone than the one that paid. */
function RefundChannel({ channel, onChannel, phone, onPhone }) {
  return html`
    <fieldset class="refund-channel column">
      <legend>${t('sales.refund_how')}</legend>
      ${['cash', 'reversal', 'b2c'].map(
        (c) => html`<label class="check" key=${c}>
          <input type="radio" name="refund-channel" value=${c} checked=${channel === c} onChange=${() => onChannel(c)} />
          ${t(`sales.channel.${c}`)}
        </label>`,
      )}
      ${
        channel === 'b2c' &&
        html`<label for="refund-phone">${t('sales.refund_phone')}</label>
        <input id="refund-phone" type="tel" inputmode="tel" maxlength="20" placeholder=${t('sales.refund_phone_hint')} value=${phone}
          onInput=${(e) => onPhone(e.currentTarget.value)} />`
      }
    </fieldset>
  `
}

/** Refunds paid back through M-Pesa, with where each one stands (refreshed while one waits). */
function MpesaRefunds({ refunds }) {
  const sent = refunds.filter((r) => r.channel !== 'cash' && r.channel !== 'account')
  if (!sent.length) return null
  return html`
    <ul class="mpesa-refunds column" data-testid="mpesa-refunds">
      ${sent.map(
        (r) => html`<li key=${r.id} data-refund=${r.id} data-status=${r.status}>
          <span>${t(`sales.channel.${r.channel}`)} · <span class="nowrap">${formatMoney(r.amount)}</span></span>
          <strong>${t(`sales.refund_status.${r.status}`)}</strong>
          ${r.status === 'failed' && html`<span data-testid="refund-why">${refundFailureReason(r)}</span>`}
        </li>`,
      )}
    </ul>
  `
}

/** One sale line; while some of it can still go back, a quantity to refund (cash or M-Pesa). */
function Line({ line, canRefund, busy, label, onRefund }) {
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
          <${Icon} name="coins" size=${20} /> ${label}
        </button>`
      }
    </div>
  `
}
