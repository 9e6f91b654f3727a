import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoney } from '../format.js'
import { api } from '../api.js'
import { navigate } from '../router.js'
import { BarChart } from '../components/bar-chart.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { FigureCard } from '../components/figure-card.js'
import { daysBefore } from './reports.js'

const ALL = { code: 'all', name: 'All' }
const ORDER_WORDS = { received: 'received', washing: 'washing', drying: 'drying', ready: 'ready' }

/** Today for the chosen business (or all of them): money, payments, stock, laundry, a week's chart. */
export function Home({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => homeBusiness(user))
  const { poller } = runtime

  // One polled resource: the dashboard endpoint carries every figure here, so an hour on this
  // screen costs one conditional request per 15 s. The chart's closed days never change; they
  // are fetched once, and today's bar comes from the polled figures.
  const today = useResource(poller, 'reporting', business && `/reports/businesses/${business}/today`)
  const day = today.data?.business_day
  const week = useClosedDays(user.role === 'owner' && day ? business : null, day)
  const t = today.data

  function pick(code) {
    if (code !== 'all') chooseBusiness(user, code)
    localStorage.setItem(`tomtin.home.${user.id}`, code)
    setBusiness(code)
  }

  const choices = user.businesses.length > 1 ? [...user.businesses, ALL] : user.businesses

  return html`
    <main class="screen home">
      <${BusinessSwitcher} businesses=${choices} value=${business} onChange=${pick} />
      <button class="button primary sell" type="button" onClick=${() => navigate('/sell')}>➕ Record a sale</button>
      <${FigureCard}
        icon="💰"
        title="Money today"
        value=${t ? formatMoney(t.revenue) : null}
        detail=${t && `Cash ${formatMoney(t.cash)} · M-Pesa ${formatMoney(t.mpesa)}`}
        resource=${today}
      />
      <${FigureCard} icon="🧾" title="Sales today" value=${t?.sales_count ?? null} resource=${today} />
      ${t?.pending_mpesa != null &&
      html`<${FigureCard}
        icon="📱"
        title="M-Pesa waiting"
        value=${t.pending_mpesa}
        detail=${t.needs_review_mpesa ? `${t.needs_review_mpesa} to check` : 'None to check'}
        resource=${today}
      />`}
      ${t?.low_stock_count != null &&
      html`<${FigureCard} icon="📦" title="Low stock" value=${t.low_stock_count} resource=${today}
        detail=${t.low_stock_count ? html`<a href="#/stock">See stock</a>` : 'All stocked'} />`}
      ${t?.laundry_orders && (business === 'laundry' || business === 'all') &&
      html`<${FigureCard}
        icon="🧺"
        title="Laundry orders"
        value=${Object.entries(t.laundry_orders).filter(([s]) => ORDER_WORDS[s]).reduce((n, [, c]) => n + c, 0)}
        detail=${Object.entries(ORDER_WORDS).map(([s, w]) => `${t.laundry_orders[s] ?? 0} ${w}`).join(' · ')}
        resource=${today}
      />`}
      ${week && t &&
      html`<section class="card">
        <${BarChart}
          title="Money, last 7 days"
          bars=${[...week, { day, revenue: t.revenue }].map((r) => ({
            label: String(r.day).slice(5),
            value: Number(r.revenue),
            text: formatMoney(r.revenue),
          }))}
        />
      </section>`}
    </main>
  `
}

/** Revenue rows of the six closed days before `day` (fetched once per business and day). */
function useClosedDays(business, day) {
  const [rows, setRows] = useState(null)
  useEffect(() => {
    setRows(null)
    if (!business) return undefined
    let live = true
    const range = `from=${daysBefore(day, 6)}&to=${daysBefore(day, 1)}`
    api
      .json(`/reports/businesses/${business}/reports/revenue?${range}`)
      .then((report) => live && setRows(report.rows))
      .catch(() => {})
    return () => {
      live = false
    }
  }, [business, day])
  return rows
}

function homeBusiness(user) {
  const saved = localStorage.getItem(`tomtin.home.${user.id}`)
  return saved === 'all' && user.businesses.length > 1 ? 'all' : chosenBusiness(user)
}
