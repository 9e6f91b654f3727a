import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { formatMoment, formatMoney, formatPhone } from '../format.js'
import { useRuntimeStatus } from '../hooks.js'
import { t } from '../i18n/index.js'
import { Icon } from '../components/icon.js'

export const CHECK_KINDS = ['review', 'unmatched', 'waiting']

/**
 * The owner's one list of what needs checking: M-Pesa payments under review (decide with a
 * note), till/paybill payments no sale claimed (attach to the sale), pushes still unanswered
 * past "check later", and sales this phone could not record. Each says what happened and what to do.
 */
export function ToCheck({ runtime }) {
  const [list, setList] = useState(null)
  const [error, setError] = useState(null)
  const { attention } = useRuntimeStatus(runtime)

  const load = () =>
    api
      .json('/payments/businesses/all/to-check')
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
      ${list?.items.map((item) => html`<${Item} key=${`${item.kind}-${item.payment.id}`} item=${item} act=${act} />`)}
    </main>
  `
}

function Item({ item, act }) {
  const { kind, payment } = item
  const words = {
    amount: formatMoney(payment.amount),
    phone: payment.phone ? formatPhone(payment.phone) : '—',
    receipt: payment.receipt ?? '—',
    when: formatMoment(payment.created_at),
  }
  return html`
    <section class="card check-item" data-kind=${kind}>
      <h2 class="card-title">${t(`tocheck.${kind}.title`, words)}</h2>
      <p>${t(`tocheck.${kind}.what`, words)}</p>
      ${kind === 'review' && payment.review_reason && html`<p class="fine-print">${payment.review_reason}</p>`}
      <p><strong>${t(`tocheck.${kind}.todo`)}</strong></p>
      ${kind === 'review' && html`<${Resolve} payment=${payment} act=${act} />`}
      ${kind === 'unmatched' && html`<${Attach} payment=${payment} act=${act} />`}
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
