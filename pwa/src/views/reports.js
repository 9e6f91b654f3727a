import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { businessDay, formatMoney, formatQuantity } from '../format.js'
import { BarChart } from '../components/bar-chart.js'
import { DataFoot } from '../components/data-foot.js'

const KINDS = {
  revenue: 'Money by day',
  methods: 'Cash and M-Pesa',
  'top-products': 'Best sellers',
  products: 'Products',
  stock: 'Stock movements',
  mpesa: 'M-Pesa check',
}
const MONEY = new Set(['revenue', 'cash', 'mpesa', 'amount', 'mpesa_sales', 'receipts_amount', 'difference', 'unmatched_amount'])
const QUANTITY = new Set(['quantity', 'receive', 'sale', 'adjust', 'return', 'write_off', 'net'])

/** Owner reports: a business (or all), a date range, a chart where it helps, a table, CSV. */
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
      if (!response.ok) throw new Error(`The report could not be downloaded (error ${response.status}).`)
      const link = document.createElement('a')
      link.href = URL.createObjectURL(await response.blob())
      link.download = `tomtin-${kind}-${business}-${from}-${to}.csv`
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
    } catch (e) {
      setError(e.message)
    }
  }

  if (user.role !== 'owner') return html`<main class="screen"><p>Reports are for the owner.</p></main>`
  const columns = rows.length ? Object.keys(rows[0]) : []
  return html`
    <main class="screen reports">
      <h1>Reports</h1>
      <div class="form-grid">
        <label>Business
          <select value=${business} onChange=${(e) => setBusiness(e.currentTarget.value)}>
            <option value="all">All</option>
            ${user.businesses.map((b) => html`<option value=${b.code}>${b.name}</option>`)}
          </select>
        </label>
        <label>Report
          <select value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
            ${Object.entries(KINDS).map(([k, words]) => html`<option value=${k}>${words}</option>`)}
          </select>
        </label>
        <label>From <input type="date" value=${from} max=${to} onChange=${(e) => setFrom(e.currentTarget.value)} /></label>
        <label>To <input type="date" value=${to} min=${from} onChange=${(e) => setTo(e.currentTarget.value)} /></label>
      </div>
      <${DataFoot} resources=${[report]} />
      ${report.error?.kind === 'http' && html`<p class="problem">This report could not be made. Check the dates.</p>`}
      ${chart(kind, rows)}
      ${rows.length > 0
        ? html`<div class="table-wrap"><table>
            <thead><tr>${columns.map((c) => html`<th>${c.replace(/_/g, ' ')}</th>`)}</tr></thead>
            <tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td>${cell(c, row[c])}</td>`)}</tr>`)}</tbody>
          </table></div>`
        : report.data && html`<p>Nothing in this range.</p>`}
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button secondary wide" type="button" onClick=${download}>⬇ Download CSV</button>
    </main>
  `
}

function chart(kind, rows) {
  if (kind === 'revenue' && rows.length) {
    return html`<${BarChart} title="Money by day"
      bars=${rows.map((r) => ({ label: String(r.day).slice(5), value: Number(r.revenue), text: formatMoney(r.revenue) }))} />`
  }
  if ((kind === 'top-products' || kind === 'products') && rows.length) {
    return html`<${BarChart} title="Money by product"
      bars=${rows.slice(0, 10).map((r) => ({ label: r.name, value: Number(r.revenue), text: formatMoney(r.revenue) }))} />`
  }
  return null
}

function cell(column, value) {
  if (MONEY.has(column)) return formatMoney(value)
  if (QUANTITY.has(column)) return formatQuantity(value)
  return value ?? ''
}

/** YYYY-MM-DD `n` days before `day` (calendar arithmetic in UTC, no time zone involved). */
export function daysBefore(day, n) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() - n)
  return date.toISOString().slice(0, 10)
}
