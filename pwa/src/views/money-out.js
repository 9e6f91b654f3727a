import { useRef, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoney } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

const MONEY = /^\d+(\.\d{1,2})?$/

/**
 * Money out: record an expense, or cash paid out of the till (that lowers what the drawer
 * should hold at the close). The owner also keeps the list of kinds of expense here.
 */
export function MoneyOut({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const categories = useResource(runtime.poller, 'payments', '/payments/expense-categories')
  const [form, setForm] = useState({ category: '', amount: '', from: 'till', note: '' })
  const [error, setError] = useState(null)
  const [done, setDone] = useState(null)
  const [busy, setBusy] = useState(false)
  // One key per expense being saved: a retry after a lost answer records it once.
  const key = useRef(null)
  const active = (categories.data?.items ?? []).filter((c) => c.active)

  function edit(patch) {
    key.current = null
    setError(null)
    setDone(null)
    setForm({ ...form, ...patch })
  }

  async function save() {
    if (!form.category) return setError(t('moneyout.pick_category'))
    if (!MONEY.test(form.amount.trim()) || Number(form.amount) <= 0) return setError(t('moneyout.amount_wrong'))
    key.current ??= newUuid()
    setBusy(true)
    try {
      const body = {
        category_id: Number(form.category),
        amount: form.amount.trim(),
        paid_from: form.from,
        note: form.note.trim() || null,
      }
      const saved = await api.json(`/payments/businesses/${business}/expenses`, {
        method: 'POST',
        headers: { 'Idempotency-Key': key.current },
        body,
      })
      key.current = null
      setDone(saved)
      setForm({ ...form, amount: '', note: '' })
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return html`
    <main class="screen money-out">
      <h1>${t('moneyout.title')}</h1>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business}
        onChange=${(code) => {
          chooseBusiness(user, code)
          setBusiness(code)
          edit({})
        }} />
      ${
        done &&
        html`<p class="banner good" role="status"><${Icon} name="check" size=${20} />
          ${t('moneyout.saved', { amount: formatMoney(done.amount), category: done.category })}</p>`
      }
      <section class="card form-grid">
        <label>${t('moneyout.category')}
          <select value=${form.category} onChange=${(e) => edit({ category: e.currentTarget.value })}>
            <option value="">${t('moneyout.choose')}</option>
            ${active.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
          </select>
        </label>
        <label>${t('moneyout.amount')}
          <input inputmode="decimal" autocomplete="off" placeholder="0.00" value=${form.amount}
            onInput=${(e) => edit({ amount: e.currentTarget.value })} />
        </label>
        <div class="row" role="group" aria-label=${t('moneyout.paid_from')}>
          ${['till', 'mpesa'].map(
            (from) => html`<button type="button" class=${`switch ${form.from === from ? 'on' : ''}`}
              aria-pressed=${form.from === from} onClick=${() => edit({ from })}>
              <${Icon} name=${from === 'till' ? 'cash' : 'phone'} /> ${t(`moneyout.from_${from}`)}</button>`,
          )}
        </div>
        <label>${t('moneyout.note')}
          <input maxlength="200" value=${form.note} onInput=${(e) => edit({ note: e.currentTarget.value })} />
        </label>
        ${error && html`<p class="problem" role="alert">${error}</p>`}
        <button class="button primary wide" type="button" disabled=${busy} onClick=${save}>
          ${busy ? t('common.saving') : t('moneyout.save')}
        </button>
      </section>
      <${DataFoot} resources=${[categories]} />
      ${user.role === 'owner' && html`<${Categories} items=${categories.data?.items ?? []} refresh=${categories.refresh} />`}
    </main>
  `
}

/** The owner's list of kinds of expense: add one, put one away (past expenses keep it). */
function Categories({ items, refresh }) {
  const [name, setName] = useState('')
  const [error, setError] = useState(null)

  async function call(path, method, body) {
    setError(null)
    try {
      await api.json(path, { method, body })
      refresh()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }

  function toggle(category) {
    return call(`/payments/expense-categories/${category.id}`, 'PATCH', { active: !category.active })
  }

  async function add() {
    if (name.trim() && (await call('/payments/expense-categories', 'POST', { name: name.trim() }))) setName('')
  }

  return html`
    <section class="card categories">
      <h2 class="card-title">${t('moneyout.categories')}</h2>
      ${items.map(
        (c) => html`<div class="row category" key=${c.id}>
          <span class=${c.active ? '' : 'quiet'}>${c.name}</span>
          <button type="button" class="button small secondary"
            onClick=${() => toggle(c)}>
            ${c.active ? t('moneyout.archive') : t('moneyout.restore')}</button>
        </div>`,
      )}
      <label for="new-category">${t('moneyout.new_category')}</label>
      <input id="new-category" maxlength="60" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button secondary wide" type="button" onClick=${add}><${Icon} name="plus" /> ${t('moneyout.add_category')}</button>
    </section>
  `
}
