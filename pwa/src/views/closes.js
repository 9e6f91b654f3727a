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
  const from = daysBefore(today, days - 1)
  const path = `/payments/businesses/${business}/shifts?from=${from}&to=${today}`
  const shifts = useResource(runtime.poller, 'payments', user.role === 'owner' ? path : null)
  const items = shifts.data?.items ?? []
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
      </div>
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
