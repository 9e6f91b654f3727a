import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { useNow, useResource } from '../hooks.js'
import { formatMoney } from '../format.js'
import { failureReason } from '../mpesa-words.js'
import { navigate } from '../router.js'
import { Freshness } from '../components/freshness.js'
import { requestPush } from './sale.js'

/** After this long without an answer the customer has stopped looking at the prompt. */
export const CHECK_LATER_MS = 60_000

/**
 * The live status of one M-Pesa payment. The server asks for fast polling (2–3 s) while it is
 * pending. PAID, FAILED with the reason, or "check later" when no answer came in time (the
 * server keeps checking with M-Pesa and the sale turns paid or failed on its own). Sending the
 * request again is offered only after a failure, and the server allows one active request per
 * sale, so a customer is never asked to pay twice.
 */
export function MpesaStatus({ runtime, param }) {
  const payment = useResource(runtime.poller, 'payments', param && `/payments/mpesa/${param}`, { fresh: true })
  const [openedAt] = useState(Date.now)
  const now = useNow(1000)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const p = payment.data

  async function resend() {
    setBusy(true)
    setError(null)
    try {
      const next = await requestPush(p.sale_id, p.phone)
      navigate(`/mpesa/${next.id}`)
    } catch (e) {
      setError(e.message)
    } finally {
      setBusy(false)
    }
  }

  const state = !p ? 'loading' : stateOf(p, now - openedAt)
  return html`
    <main class="screen mpesa" data-state=${state}>
      <h1>M-Pesa payment</h1>
      ${p && html`<p class="lead">${formatMoney(p.amount)} from ${p.phone ?? 'the customer'}</p>`}
      ${state === 'loading' && html`<p class="status-box">Loading…</p>`}
      ${state === 'pending' &&
      html`<div class="status-box pending" role="status">
        <p class="status-word">⏳ Waiting</p>
        <p>Ask the customer to enter their M-Pesa PIN on their phone.</p>
      </div>`}
      ${state === 'paid' &&
      html`<div class="status-box paid" role="status">
        <p class="status-word">✓ PAID</p>
        ${p.receipt && html`<p>Receipt ${p.receipt}</p>`}
      </div>`}
      ${state === 'failed' &&
      html`<div class="status-box failed" role="status">
        <p class="status-word">✗ FAILED</p>
        <p class="reason">${failureReason(p)}</p>
        <button class="button primary" type="button" disabled=${busy} onClick=${resend}>
          ${busy ? 'Sending…' : 'Send the request again'}
        </button>
      </div>`}
      ${state === 'later' &&
      html`<div class="status-box later" role="status">
        <p class="status-word">🕓 Check later</p>
        <p>
          ${p.status === 'needs_review'
            ? 'M-Pesa did not give a clear answer. The owner will check this payment.'
            : 'No answer from M-Pesa yet. It is being checked automatically and will show as paid or failed.'}
          Do not ask the customer to pay again.
        </p>
      </div>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <div class="card-foot">
        <${Freshness} freshAt=${payment.freshAt} error=${payment.error} />
        <button class="button small" type="button" onClick=${payment.refresh}>↻ Refresh</button>
      </div>
      <div class="row">
        <button class="button secondary" type="button" onClick=${() => navigate('/sell')}>New sale</button>
        <button class="button secondary" type="button" onClick=${() => navigate('/')}>Home</button>
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
