import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { chosenBusiness } from '../session.js'
import { formatMoment, formatMoney, formatPhone } from '../format.js'
import { t } from '../i18n/index.js'
import { newUuid } from '../outbox.js'
import { navigate } from '../router.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { creditErrorText } from '../components/customer-picker.js'

const MONEY = /^\d+(\.\d{1,2})?$/
const AGES = ['days_0_7', 'days_8_30', 'over_30']

/** Customers ("/customers": find one, see who owes) or one customer ("/customers/<id>"). */
export function Customers({ session, runtime, param }) {
  return param
    ? html`<${CustomerDetail} session=${session} runtime=${runtime} id=${param} />`
    : html`<${CustomerList} runtime=${runtime} />`
}

function CustomerList({ runtime }) {
  const [text, setText] = useState('')
  const typed = text.trim()
  const url = typed.length >= 2 ? `/payments/customers?q=${encodeURIComponent(typed)}` : '/payments/customers'
  // Past the gateway's one-second cache: a customer just added from a sale or a laundry order
  // must be on the list at once, not after the next 15 s poll (an owner's screen, rarely open).
  const list = useResource(runtime.poller, 'payments', url, { fresh: true })
  return html`
    <main class="screen customers">
      <h1>${t('customers.title')}</h1>
      <label for="customers-find">${t('customers.find')}</label>
      <input id="customers-find" type="search" autocomplete="off" placeholder=${t('customers.find_hint')} value=${text}
        onInput=${(e) => setText(e.currentTarget.value)} />
      <${DataFoot} resources=${[list]} />
      <section class="card column">
        ${(list.data?.items ?? []).map(
          (c) => html`<a class="order" key=${c.id} href=${`#/customers/${c.id}`} data-customer=${c.id}>
            <span>${c.name}<br /><small>${formatPhone(c.phone)} · ${c.number}</small></span>
            <span class="nowrap">${Number(c.balance) > 0 ? t('customers.owes', { amount: formatMoney(c.balance) }) : t('customers.owes_nothing')}</span>
          </a>`,
        )}
        ${list.data?.items.length === 0 && html`<p>${t('customers.none')}</p>`}
      </section>
    </main>
  `
}

function CustomerDetail({ session, runtime, id }) {
  const { user } = session
  const customer = useResource(runtime.poller, 'payments', `/payments/customers/${id}`, { fresh: true })
  const statement = useResource(runtime.poller, 'payments', `/payments/customers/${id}/statement`, { fresh: true })
  const [amount, setAmount] = useState('')
  const [limit, setLimit] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [done, setDone] = useState(null)
  const [pushId, setPushId] = useState(null)
  // One key per cash payment until it is recorded: a retry after a lost answer is not a second payment.
  const [key, setKey] = useState(newUuid)
  const c = customer.data
  const business = chosenBusiness(user)

  async function send(path, options) {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      const answer = await api.json(path, options)
      customer.refresh()
      statement.refresh()
      return answer
    } catch (e) {
      setError(creditErrorText(e))
      return null
    } finally {
      setBusy(false)
    }
  }

  async function payCash() {
    if (!MONEY.test(amount.trim())) return setError(t('till.amount_wrong'))
    const path = `/payments/businesses/${business}/customers/${id}/payments`
    const paid = await send(path, {
      method: 'POST',
      body: { amount: amount.trim() },
      headers: { 'Idempotency-Key': key },
    })
    if (paid) {
      setKey(newUuid())
      setAmount('')
      setDone(t('customers.paid_done', { amount: formatMoney(paid.amount), balance: formatMoney(paid.balance) }))
    }
  }

  async function prompt() {
    const typed = amount.trim()
    if (typed && !MONEY.test(typed)) return setError(t('till.amount_wrong'))
    const path = `/payments/businesses/${business}/customers/${id}/stk-push`
    const pushed = await send(path, { method: 'POST', body: typed ? { amount: typed } : {} })
    if (pushed) {
      setAmount('')
      setPushId(pushed.id)
    }
  }

  async function setLanguage(language) {
    await send(`/payments/customers/${id}`, { method: 'PATCH', body: { language } })
  }

  async function remind() {
    const sent = await send(`/payments/customers/${id}/reminder`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key },
    })
    if (sent) {
      setKey(newUuid())
      setDone(t('customers.reminded', { phone: formatPhone(sent.phone) }))
    }
  }

  async function saveLimit() {
    if (!MONEY.test(limit.trim())) return setError(t('till.amount_wrong'))
    const saved = await send(`/payments/customers/${id}/credit-limit`, {
      method: 'PUT',
      body: { credit_limit: limit.trim() },
    })
    if (saved) setLimit('')
  }

  const owes = c && Number(c.balance) > 0
  return html`
    <main class="screen customer">
      <button class="button secondary" type="button" onClick=${() => navigate('/customers')}>
        <${Icon} name="back" size=${20} /> ${t('common.back')}
      </button>
      <${DataFoot} resources=${[customer]} />
      ${
        c &&
        html`<section class="card column">
        <h1>${c.name}</h1>
        <p>${formatPhone(c.phone)} · ${t('customers.number', { number: c.number })}</p>
        <p class="figure" data-testid="balance">${t('customers.owes', { amount: formatMoney(c.balance) })}</p>
        <p>${t('customers.limit', { limit: formatMoney(c.credit_limit), available: formatMoney(c.available) })}</p>
        <div class="row" role="group" aria-label=${t('customers.language')}>
          ${['sw', 'en'].map(
            (code) => html`<button type="button" key=${code} class=${`switch ${c.language === code ? 'on' : ''}`}
              aria-pressed=${c.language === code} disabled=${busy} onClick=${() => setLanguage(code)}>${t(`customers.languages.${code}`)}</button>`,
          )}
        </div>
        ${owes && html`<dl class="shift-figures">${AGES.map((a) => html`<div class="report-cell" key=${a}><dt>${t(`customers.age.${a}`)}</dt><dd>${formatMoney(c.ageing[a])}</dd></div>`)}</dl>`}
      </section>
      ${
        owes &&
        html`<section class="card column">
        <h2 class="card-title">${t('customers.take_payment')}</h2>
        <label for="debt-amount">${t('customers.amount')}</label>
        <input id="debt-amount" inputmode="decimal" autocomplete="off" placeholder=${c.balance} value=${amount}
          onInput=${(e) => setAmount(e.currentTarget.value)} />
        <div class="row">
          <button class="button primary" type="button" disabled=${busy || !amount.trim()} onClick=${payCash}>
            <${Icon} name="cash" size=${20} /> ${t('customers.pay_cash')}</button>
          <button class="button secondary" type="button" disabled=${busy} onClick=${prompt}>
            <${Icon} name="phone" size=${20} /> ${t('customers.pay_mpesa')}</button>
        </div>
        ${
          user.role === 'owner' &&
          html`<button class="button secondary" type="button" disabled=${busy} onClick=${remind}>
            <${Icon} name="phone" size=${20} /> ${t('customers.remind')}</button>`
        }
        ${
          pushId &&
          html`<${PushStatus} runtime=${runtime} id=${pushId} onPaid=${() => {
            customer.refresh()
            statement.refresh()
          }} />`
        }
      </section>`
      }
      ${
        user.role === 'owner' &&
        html`<section class="card column">
        <label for="credit-limit">${t('customers.set_limit')}</label>
        <input id="credit-limit" inputmode="decimal" autocomplete="off" placeholder=${c.credit_limit} value=${limit}
          onInput=${(e) => setLimit(e.currentTarget.value)} />
        <button class="button secondary" type="button" disabled=${busy || !limit.trim()} onClick=${saveLimit}>${t('common.save')}</button>
      </section>`
      }`
      }
      ${done && html`<p class="banner good" role="status">${done}</p>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <${Statement} entries=${statement.data?.entries ?? []} />
    </main>
  `
}

/** Where an M-Pesa prompt for the debt stands (polled fast while it waits). */
function PushStatus({ runtime, id, onPaid }) {
  const payment = useResource(runtime.poller, 'payments', `/payments/mpesa/${id}`, { fresh: true })
  const p = payment.data
  useEffect(() => {
    if (p?.status === 'paid') onPaid()
  }, [p?.status])
  if (!p) return null
  return html`<p class="banner" role="status" data-testid="debt-push" data-status=${p.status}>
    ${t(`customers.push.${p.status === 'paid' ? 'paid' : p.status === 'pending' ? 'waiting' : 'failed'}`, {
      amount: formatMoney(p.amount),
      phone: formatPhone(p.phone),
    })}
  </p>`
}

/** Every sale, void, refund and payment, newest first, with what was owed after it. */
function Statement({ entries }) {
  if (!entries.length) return null
  return html`<section class="card column" data-testid="statement">
    <h2 class="card-title">${t('customers.statement')}</h2>
    ${[...entries].reverse().map(
      (e, n) => html`<div class="order" key=${n} data-kind=${e.kind}>
        <span>${formatMoment(e.at)} · ${t(`customers.entry.${e.kind}`, { ref: e.reference ?? '' })}
          ${e.kind === 'sale' && html` · ${t(`sales.method.${e.method}`)}`}</span>
        <span><span class="nowrap">${formatMoney(e.amount)}</span> ·
          <span class="nowrap">${t('customers.after', { amount: formatMoney(e.balance) })}</span></span>
      </div>`,
    )}
  </section>`
}
