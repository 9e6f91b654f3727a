import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource } from '../hooks.js'
import { businessDay, formatMoney, formatMoment } from '../format.js'
import { t } from '../i18n/index.js'
import { BusinessSelect } from '../components/business-select.js'
import { DataFoot } from '../components/data-foot.js'
import { daysBefore } from './reports.js'

/** The owner's closes: every shift of the last days, its person, count and difference. */
export function Closes({ session, runtime }) {
  const { user } = session
  const today = businessDay(new Date().toISOString())
  const [business, setBusiness] = useState('all')
  const [days, setDays] = useState(7)
  const [person, setPerson] = useState('')
  const from = daysBefore(today, days - 1)
  const path = `/payments/businesses/${business}/shifts?from=${from}&to=${today}`
  const shifts = useResource(runtime.poller, 'payments', user.role === 'owner' ? path : null)
  const all = shifts.data?.items ?? []
  const people = [...new Map(all.map((s) => [String(s.opened_by), s.opened_by_name])).entries()]
  const items = person ? all.filter((s) => String(s.opened_by) === person) : all
  const differences = items.filter((s) => s.difference != null).map((s) => s.difference)
  if (user.role !== 'owner') return html`<main class="screen"><p>${t('reports.owner_only')}</p></main>`
  return html`
    <main class="screen closes">
      <h1>${t('closes.title')}</h1>
      <div class="form-grid">
        <${BusinessSelect} businesses=${user.businesses} value=${business} onChange=${setBusiness} />
        <label>${t('closes.days')}
          <select value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
            ${[1, 7, 30].map((n) => html`<option value=${n}>${t('closes.last_days', { count: n })}</option>`)}
          </select>
        </label>
        <label>${t('closes.person')}
          <select value=${person} onChange=${(e) => setPerson(e.currentTarget.value)}>
            <option value="">${t('closes.everyone')}</option>
            ${people.map(([id, name]) => html`<option value=${id}>${name}</option>`)}
          </select>
        </label>
      </div>
      ${
        differences.length > 0 &&
        html`<p class="figure-detail closes-total">${t('closes.total', { count: differences.length })}
          <strong>${formatMoney(sumSigned(differences))}</strong></p>`
      }
      <${DataFoot} resources=${[shifts]} />
      ${shifts.data && items.length === 0 && html`<p>${t('closes.none')}</p>`}
      <div class="report-rows">
        ${items.map(
          (s) => html`<a class="card report-row close-row" key=${s.id} href=${`#/zreport/${s.id}`}>
            <h2 class="card-title">${s.opened_by_name} · ${t(`business.${s.business}`) || s.business}</h2>
            <dl>
              <div class="report-cell"><dt>${t('zreport.opened')}</dt><dd>${formatMoment(s.opened_at)}</dd></div>
              <div class="report-cell"><dt>${t('till.expected')}</dt><dd>${formatMoney(s.expected)}</dd></div>
              <div class="report-cell"><dt>${t('zreport.counted')}</dt>
                <dd>${s.counted == null ? t('zreport.still_open') : formatMoney(s.counted)}</dd></div>
              ${
                s.difference != null &&
                html`<div class=${`report-cell ${Number(s.difference) < 0 ? 'short' : ''}`}>
                <dt>${t('closes.difference')}</dt><dd>${formatMoney(s.difference)}</dd></div>`
              }
              ${
                Number(s.correction ?? 0) !== 0 &&
                html`<div class="report-cell"><dt>${t('closes.correction')}</dt>
                <dd>${formatMoney(s.correction)}</dd></div>`
              }
            </dl>
          </a>`,
        )}
      </div>
    </main>
  `
}

/** The sum of signed money strings ("-9.50", "20.00") in whole cents (BigInt, never a float). */
function sumSigned(amounts) {
  let total = 0n
  for (const amount of amounts) {
    const [whole, fraction = ''] = amount.replace('-', '').split('.')
    const cents = BigInt(whole) * 100n + BigInt(`${fraction}00`.slice(0, 2))
    total += amount.startsWith('-') ? -cents : cents
  }
  const abs = total < 0n ? -total : total
  return `${total < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}
