import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { formatMoney, formatPhone, normalisePhone } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { Icon } from './icon.js'

const SEARCH_DELAY_MS = 250
const MONEY = /^\d+(\.\d{1,2})?$/

/** A refusal of credit in plain words: over the customer's limit, or more than they owe. */
export function creditErrorText(error) {
  const errors = error?.problem?.errors ?? {}
  if (error?.status === 409 && errors.customer_id) return `${t('customers.over_limit')}\n${error.problem.detail}`
  if (error?.status === 409 && errors.amount) return `${t('customers.above_balance')}\n${error.problem.detail}`
  return errorText(error)
}

/**
 * Pick the customer of a sale: type a few digits or letters and tap them (one tap), or, when
 * nobody matches, type the name and tap Add (one tap: the phone typed is kept). The owner may give
 * the new customer a credit limit there (staff cannot: a new customer has none until the owner
 * gives it). `onPick` gets the customer (with `balance` and `credit_limit`).
 */
export function CustomerPicker({ picked, onPick, owner = false }) {
  const [text, setText] = useState('')
  const [found, setFound] = useState(null)
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [limit, setLimit] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    const typed = text.trim()
    if (picked || typed.length < 2) return setFound(null)
    let live = true
    const timer = setTimeout(() => {
      api
        .json(`/payments/customers?q=${encodeURIComponent(typed)}`)
        .then((answer) => live && setFound(answer.items))
        .catch((e) => live && setError(errorText(e)))
    }, SEARCH_DELAY_MS)
    if (/^[\d\s+-]+$/.test(typed)) setPhone(typed)
    else setName(typed)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [text, picked])

  async function add() {
    if (!normalisePhone(phone)) return setError(t('customers.phone_wrong'))
    if (!name.trim()) return setError(t('customers.name_needed'))
    if (limit.trim() && !MONEY.test(limit.trim())) return setError(t('till.amount_wrong'))
    const body = { phone: phone.trim(), name: name.trim(), ...(limit.trim() ? { credit_limit: limit.trim() } : {}) }
    setBusy(true)
    setError(null)
    try {
      onPick(await api.json('/payments/customers', { method: 'POST', body }))
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  if (picked) {
    return html`<div class="picked-customer row" data-testid="picked-customer">
      <span><strong>${picked.name}</strong> · ${formatPhone(picked.phone)}
        <br /><small>${t('customers.owes', { amount: formatMoney(picked.balance) })}</small></span>
      <button type="button" class="button small" onClick=${() => onPick(null)}>${t('customers.change')}</button>
    </div>`
  }
  return html`
    <div class="customer-picker column">
      <label for="customer-find">${t('customers.find')}</label>
      <input id="customer-find" type="search" autocomplete="off" placeholder=${t('customers.find_hint')} value=${text}
        onInput=${(e) => setText(e.currentTarget.value)} />
      ${(found ?? []).map(
        (
          c,
        ) => html`<button type="button" class="order customer-choice" key=${c.id} data-customer=${c.id} onClick=${() => onPick(c)}>
          <span>${c.name}</span><span class="nowrap">${formatPhone(c.phone)}</span>
        </button>`,
      )}
      ${
        found &&
        found.length === 0 &&
        html`<fieldset class="new-customer column">
        <legend>${t('customers.new')}</legend>
        <label for="new-customer-phone">${t('customers.phone')}</label>
        <input id="new-customer-phone" type="tel" inputmode="tel" autocomplete="off" placeholder="0712 345 678" value=${phone}
          onInput=${(e) => setPhone(e.currentTarget.value)} />
        <label for="new-customer-name">${t('customers.name')}</label>
        <input id="new-customer-name" maxlength="80" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
        ${
          owner &&
          html`<label for="new-customer-limit">${t('customers.set_limit')}</label>
          <input id="new-customer-limit" inputmode="decimal" autocomplete="off" placeholder="0.00" value=${limit}
            onInput=${(e) => setLimit(e.currentTarget.value)} />`
        }
        <button type="button" class="button secondary" disabled=${busy} onClick=${add}>
          <${Icon} name="plus" size=${20} /> ${busy ? t('common.wait') : t('customers.add')}
        </button>
      </fieldset>`
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
    </div>
  `
}
