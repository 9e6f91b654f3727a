import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { businessDay, formatDay, formatMoney, formatNumber, formatQuantity } from '../format.js'
import { errorText, plainError } from '../error-words.js'
import { t } from '../i18n/index.js'
import { BusinessSelect } from '../components/business-select.js'
import { BarChart } from '../components/bar-chart.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'

export const KINDS = [
  'revenue',
  'profit',
  'profit-businesses',
  'profit-products',
  'expenses',
  'methods',
  'top-products',
  'products',
  'stock',
  'mpesa',
]

/** What the profit reports by day and by business show after their row title. */
const PROFIT = [
  'gross_profit',
  'revenue',
  'refunds',
  'cost',
  'returned_cost',
  'damaged_cost',
  'expenses',
  'net_profit',
  'voided',
  'uncosted_lines',
]

/**
 * The columns each report shows, in reading order (the JSON has them alphabetically). The row
 * title (day, method or product name) comes first; ids are left out.
 */
export const COLUMNS = {
  revenue: ['day', 'revenue', 'cash', 'mpesa', 'sales_count', 'refunds', 'net_revenue', 'voided'],
  profit: ['day', ...PROFIT],
  'profit-businesses': ['business', ...PROFIT],
  // Per product: the same figures up to expenses, which belong to a business, not a product.
  'profit-products': ['name', ...PROFIT.slice(0, 6), 'quantity', 'refunded_quantity', 'uncosted_lines', 'business'],
  expenses: ['category', 'amount', 'count'],
  methods: ['method', 'amount', 'share_percent', 'sales_count'],
  'top-products': ['name', 'revenue', 'quantity', 'lines', 'business'],
  products: ['name', 'revenue', 'quantity', 'lines', 'business'],
  stock: ['name', 'net', 'receive', 'sale', 'adjust', 'return', 'write_off', 'business'],
  mpesa: [
    'day',
    'mpesa_sales',
    'receipts_amount',
    'difference',
    'mpesa_sales_count',
    'receipts_count',
    'unmatched_count',
    'unmatched_amount',
    'needs_review_count',
  ],
}
const MONEY = new Set([
  'revenue',
  'cost',
  'gross_profit',
  'expenses',
  'net_profit',
  'refunds',
  'voided',
  'cash',
  'mpesa',
  'amount',
  'mpesa_sales',
  'receipts_amount',
  'difference',
  'unmatched_amount',
  'net_revenue',
  'returned_cost',
  'damaged_cost',
])
const QUANTITY = new Set(['quantity', 'refunded_quantity', 'receive', 'sale', 'adjust', 'return', 'write_off', 'net'])

/** Owner reports: a business (or all), a date range, a chart where it helps, rows as cards, a download. */
export function Reports({ session, runtime }) {
  const { user } = session
  const today = businessDay(new Date().toISOString())
  const [business, setBusiness] = useState('all')
  const [kind, setKind] = useState('revenue')
  const [from, setFrom] = useState(() => daysBefore(today, 6))
  const [to, setTo] = useState(today)
  const [error, setError] = useState(null)
  const path = `/reports/businesses/${business}/reports/${kind}?from=${from}&to=${to}`
  const report = useResource(runtime.poller, 'reporting', user.role === 'owner' && from && to ? path : null)
  const rows = report.data?.rows ?? []

  async function download() {
    setError(null)
    try {
      const response = await api.fetch(`${path}&format=csv`, { headers: { Accept: 'text/csv' }, timeoutMs: 30_000 })
      if (!response.ok) throw plainError(t('reports.download_failed', { status: response.status }))
      const link = document.createElement('a')
      link.href = URL.createObjectURL(await response.blob())
      link.download = `tomtin-${kind}-${business}-${from}-${to}.csv`
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
    } catch (e) {
      setError(e.words ?? errorText(e))
    }
  }

  if (user.role !== 'owner') return html`<main class="screen"><p>${t('reports.owner_only')}</p></main>`
  const [titleColumn, ...columns] = COLUMNS[kind]
  return html`
    <main class="screen reports">
      <h1>${t('reports.title')}</h1>
      <div class="form-grid">
        <${BusinessSelect} businesses=${user.businesses} value=${business} onChange=${setBusiness} />
        <label>${t('reports.kind')}
          <select value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
            ${KINDS.map((k) => html`<option value=${k}>${t(`reports.kinds.${k}`)}</option>`)}
          </select>
        </label>
        <label>${t('reports.from')} <input type="date" value=${from} max=${to} onChange=${(e) => setFrom(e.currentTarget.value)} /></label>
        <label>${t('reports.to')} <input type="date" value=${to} min=${from} onChange=${(e) => setTo(e.currentTarget.value)} /></label>
      </div>
      <p class="figure-detail">${t('reports.range', { from: formatDay(from), to: formatDay(to) })}</p>
      <${DataFoot} resources=${[report]} />
      ${report.error?.kind === 'http' && html`<p class="problem">${t('reports.failed')}</p>`}
      ${
        report.data?.totals?.uncosted_lines > 0 &&
        html`<p class="banner warn">${t('reports.uncosted', { count: report.data.totals.uncosted_lines })}
          <a href="#/costs">${t('costs.title')}</a></p>`
      }
      ${chart(kind, rows)}
      ${
        rows.length > 0
          ? html`<div class="report-rows">
            ${rows.map(
              (row, i) => html`
                <section class="card report-row" key=${i}>
                  <h2 class="card-title">${cell(titleColumn, row[titleColumn])}</h2>
                  <dl>
                    ${columns.map(
                      (c) =>
                        html`<div class="report-cell"><dt>${t(`reports.columns.${c}`)}</dt><dd>${cell(c, row[c])}</dd></div>`,
                    )}
                  </dl>
                </section>
              `,
            )}
          </div>`
          : report.data && html`<p>${t('reports.empty')}</p>`
      }
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button secondary wide" type="button" onClick=${download}>
        <${Icon} name="download" /> ${t('reports.download')}
      </button>
    </main>
  `
}

function chart(kind, rows) {
  if (kind === 'revenue' && rows.length) {
    return html`<${BarChart} title=${t('reports.kinds.revenue')}
      bars=${rows.map((r) => ({ label: formatDay(r.day), value: Number(r.revenue), text: formatMoney(r.revenue) }))} />`
  }
  if ((kind === 'top-products' || kind === 'products') && rows.length) {
    return html`<${BarChart} title=${t('reports.money_by_product')}
      bars=${rows.slice(0, 10).map((r) => ({ label: r.name, value: Number(r.revenue), text: formatMoney(r.revenue) }))} />`
  }
  return null
}

function cell(column, value) {
  if (value == null) return '—'
  if (MONEY.has(column)) return formatMoney(value)
  if (QUANTITY.has(column)) return formatQuantity(value)
  if (column === 'day') return formatDay(value)
  if (column === 'method') return t(`reports.methods.${value}`) || value
  if (column === 'business') return t(`business.${value}`) || value
  if (column === 'share_percent') return `${formatNumber(value)} %`
  if (typeof value === 'number') return formatNumber(value)
  return value
}

/** YYYY-MM-DD `n` days before `day` (calendar arithmetic in UTC, no time zone involved). */
export function daysBefore(day, n) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() - n)
  return date.toISOString().slice(0, 10)
}
