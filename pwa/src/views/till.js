import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource, useWaitingSales } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoney, formatMoment } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'
import { rememberShift } from '../shift.js'
import { shiftMoney } from '../zreport-lines.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

const MONEY = /^\d+(\.\d{1,2})?$/

/**
 * The till: open a shift with the cash already in the drawer, see what the drawer should hold,
 * and close it by counting the cash. Sales still waiting on this phone are shown and sent with
 * the close, so the Z report can say the figures will change when they arrive.
 */
export function Till({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const current = useResource(runtime.poller, 'payments', `/payments/businesses/${business}/shifts/current`)
  const waiting = useWaitingSales(runtime).filter((s) => s.business === business).length
  const [amount, setAmount] = useState('')
  const [note, setNote] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const shift = current.data?.shift

  useEffect(() => {
    if (current.data) rememberShift(user.id, business, shift?.id ?? null)
  }, [current.data, business])

  function pick(code) {
    chooseBusiness(user, code)
    setBusiness(code)
    setAmount('')
    setError(null)
  }

  async function send(path, body) {
    if (!MONEY.test(amount.trim())) return setError(t('till.amount_wrong'))
    setBusy(true)
    setError(null)
    try {
      const answer = await api.json(path, { method: 'POST', body })
      setAmount('')
      return answer
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  async function open() {
    const opened = await send(`/payments/businesses/${business}/shifts`, { float: amount.trim() })
    if (opened) {
      rememberShift(user.id, business, opened.id)
      current.refresh()
    }
  }

  async function close() {
    const body = { counted: amount.trim(), pending_sales: waiting, note: note.trim() || null }
    const closed = await send(`/payments/shifts/${shift.id}/close`, body)
    if (closed) {
      rememberShift(user.id, business, null)
      navigate(`/zreport/${closed.id}`)
    }
  }

  return html`
    <main class="screen till">
      <h1>${t('till.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business} onChange=${pick} />
      <${DataFoot} resources=${[current]} />
      ${
        current.data &&
        !shift &&
        html`<section class="card">
          <h2 class="card-title">${t('till.open_title')}</h2>
          <p>${t('till.open_lead')}</p>
          <label for="till-amount">${t('till.float')}</label>
          <input id="till-amount" inputmode="decimal" autocomplete="off" placeholder="0.00" value=${amount}
            onInput=${(e) => setAmount(e.currentTarget.value)} />
          ${error && html`<p class="problem" role="alert">${error}</p>`}
          <button class="button primary wide" type="button" disabled=${busy} onClick=${open}>
            <${Icon} name="coins" /> ${busy ? t('common.wait') : t('till.open')}
          </button>
        </section>`
      }
      ${
        shift &&
        html`<section class="card">
          <h2 class="card-title">${t('till.open_since', { when: formatMoment(shift.opened_at) })}</h2>
          <${ShiftFigures} shift=${shift} />
        </section>
        <section class="card">
          <h2 class="card-title">${t('till.close_title')}</h2>
          ${waiting > 0 && html`<p class="banner warn" role="status">${t('till.waiting', { count: waiting })}</p>`}
          <label for="till-amount">${t('till.counted')}</label>
          <input id="till-amount" inputmode="decimal" autocomplete="off" placeholder="0.00" value=${amount}
            onInput=${(e) => setAmount(e.currentTarget.value)} />
          <label for="till-note">${t('till.note')}</label>
          <input id="till-note" maxlength="200" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} />
          ${error && html`<p class="problem" role="alert">${error}</p>`}
          <button class="button primary wide" type="button" disabled=${busy} onClick=${close}>
            <${Icon} name="check" /> ${busy ? t('common.wait') : t('till.close')}
          </button>
        </section>`
      }
      <div class="row">
        <a class="button secondary link-button" href="#/money-out"><${Icon} name="receipt" /> ${t('moneyout.title')}</a>
        ${
          user.role === 'owner' &&
          html`<a class="button secondary link-button" href="#/closes"><${Icon} name="clock" /> ${t('closes.title')}</a>
          <a class="button secondary link-button" href="#/costs"><${Icon} name="coins" /> ${t('costs.title')}</a>`
        }
      </div>
    </main>
  `
}

/** The lines of a shift's money: float, sales, pay-outs, what the drawer should hold. */
export function ShiftFigures({ shift }) {
  return html`<dl class="shift-figures">
    ${shiftMoney(shift).map(
      ([label, value, quiet]) =>
        html`<div class=${quiet ? 'report-cell quiet' : 'report-cell'}><dt>${label}</dt><dd>${formatMoney(value)}</dd></div>`,
    )}
  </dl>`
}
