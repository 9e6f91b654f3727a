import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { useNow, useResource } from '../hooks.js'
import { formatMoney, formatPhone, normalisePhone } from '../format.js'
import { errorText, plainError } from '../error-words.js'
import { t } from '../i18n/index.js'
import { failureReason } from '../mpesa-words.js'
import { navigate } from '../router.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { requestPush } from './sale.js'

/** After this long without an answer the customer has stopped looking at the prompt. */
export const CHECK_LATER_MS = 60_000

/**
 * When this phone first showed payment `id`: kept in localStorage, so a reload does not restart
 * the wait before "Check later".
 */
export function firstShownAt(id, now = Date.now(), storage = globalThis.localStorage) {
  const key = `tomtin.mpesa.shown.${id}`
  const kept = Number(storage?.getItem(key))
  if (Number.isFinite(kept) && kept > 0 && kept <= now) return kept
  storage?.setItem(key, String(now))
  return now
}

/**
 * The live status of one M-Pesa payment. The server asks for fast polling (2–3 s) while it is
 * pending. PAID, FAILED with the reason, or "check later" when no answer came in time (the
 * server keeps checking with M-Pesa and the sale turns paid or failed on its own). Sending the
 * request again is offered only after a failure, to the same or another number, and the server
 * allows one active request per sale, so a customer is never asked to pay twice.
 */
export function MpesaStatus({ runtime, param }) {
  const payment = useResource(runtime.poller, 'payments', param && `/payments/mpesa/${param}`, { fresh: true })
  const [openedAt] = useState(() => firstShownAt(param))
  const now = useNow(1000)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [phone, setPhone] = useState(null)
  const p = payment.data

  async function resend() {
    setBusy(true)
    setError(null)
    try {
      const number = normalisePhone(phone ?? p.phone)
      if (!number) throw plainError(t('sale.phone_wrong'))
      const next = await requestPush(p.sale_id, number)
      navigate(`/mpesa/${next.id}`)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const state = !p ? 'loading' : stateOf(p, now - openedAt)
  return html`
    <main class="screen mpesa" data-state=${state}>
      <h1>${t('mpesa.title')}</h1>
      ${
        p &&
        html`<p class="lead">
        ${p.phone ? t('mpesa.amount_from', { amount: formatMoney(p.amount), phone: formatPhone(p.phone) }) : formatMoney(p.amount)}
      </p>`
      }
      ${state === 'loading' && html`<p class="status-box">${t('common.loading')}</p>`}
      ${
        state === 'pending' &&
        html`<div class="status-box pending" role="status">
        <p class="status-word"><${Icon} name="clock" size=${32} /> ${t('mpesa.waiting')}</p>
        <p>${t('mpesa.ask_pin')}</p>
      </div>`
      }
      ${
        state === 'paid' &&
        html`<div class="status-box paid" role="status">
        <p class="status-word"><${Icon} name="check" size=${32} /> ${t('mpesa.paid')}</p>
        ${p.receipt && html`<p>${t('mpesa.receipt', { receipt: p.receipt })}</p>`}
      </div>`
      }
      ${
        state === 'failed' &&
        html`<div class="status-box failed" role="status">
        <p class="status-word"><${Icon} name="cross" size=${32} /> ${t('mpesa.failed')}</p>
        <p class="reason">${failureReason(p)}</p>
        <label for="resend-phone">${t('mpesa.resend_phone')}</label>
        <input id="resend-phone" type="tel" inputmode="tel" autocomplete="off"
          value=${phone ?? formatPhone(p.phone ?? '')} onInput=${(e) => setPhone(e.currentTarget.value)} />
        <button class="button primary" type="button" disabled=${busy} onClick=${resend}>
          ${busy ? t('mpesa.sending') : t('mpesa.resend')}
        </button>
      </div>`
      }
      ${
        state === 'later' &&
        html`<div class="status-box later" role="status">
        <p class="status-word"><${Icon} name="clock" size=${32} /> ${t('mpesa.later')}</p>
        <p>${p.status === 'needs_review' ? t('mpesa.later_review') : t('mpesa.later_checking')}</p>
        <p>${t('mpesa.do_not_ask_again')}</p>
      </div>`
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <${DataFoot} resources=${[payment]} />
      <div class="row">
        <button class="button secondary" type="button" onClick=${() => navigate('/sell')}>${t('mpesa.new_sale')}</button>
        <button class="button secondary" type="button" onClick=${() => navigate('/')}>${t('nav.home')}</button>
        ${
          state === 'paid' &&
          p?.sale_id &&
          html`<button class="button secondary" type="button" onClick=${() => navigate(`/sales/${p.sale_id}`)}>
          <${Icon} name="receipt" size=${20} /> ${t('receipt.show')}</button>`
        }
      </div>
    </main>
  `
}

function stateOf(payment, waitedMs) {
  if (payment.status === 'paid') return 'paid'
  if (payment.status === 'failed') return 'failed'
  if (payment.status === 'needs_review' || waitedMs > CHECK_LATER_MS) return 'later'
  return 'pending'
}
