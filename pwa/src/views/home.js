import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource, useRuntimeStatus, useWaitingSales } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { businessDay, formatDay, formatMoney, sumMoney } from '../format.js'
import { t } from '../i18n/index.js'
import { api } from '../api.js'
import { navigate } from '../router.js'
import { BarChart } from '../components/bar-chart.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'
import { FigureCard } from '../components/figure-card.js'
import { Icon } from '../components/icon.js'
import { daysBefore } from './reports.js'

export const ORDER_STATES = ['received', 'washing', 'drying', 'ready']

/** Today for the chosen business (or all of them): money, payments, stock, laundry, a week's chart. */
export function Home({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => homeBusiness(user))
  const { poller } = runtime

  // One polled resource: the dashboard endpoint carries every figure here, so an hour on this
  // screen costs one conditional request per 15 s. The chart's closed days never change; they
  // are fetched once, and today's bar comes from the polled figures.
  const today = useResource(poller, 'reporting', business && `/reports/businesses/${business}/today`)
  const day = today.data?.business_day ?? businessDay(new Date().toISOString())
  const week = useClosedDays(user.role === 'owner' && today.data ? business : null, day)
  const unsent = unsentToday(useWaitingSales(runtime), business, day)
  const data = today.data

  function pick(code) {
    if (code !== 'all') chooseBusiness(user, code)
    localStorage.setItem(`tomtin.home.${user.id}`, code)
    setBusiness(code)
  }

  const choices =
    user.businesses.length > 1 ? [...user.businesses, { code: 'all', name: t('business.all') }] : user.businesses
  const revenue = data && sumMoney([data.revenue, unsent.amount])
  const cash = data && sumMoney([data.cash, unsent.amount])

  return html`
    <main class="screen home">
      <${BusinessSwitcher} businesses=${choices} value=${business} onChange=${pick} />
      <button class="button primary sell" type="button" onClick=${() => navigate('/sell')}>
        <${Icon} name="plus" /> ${t('home.record_sale')}
      </button>
      <div class="row till-links">
        <a class="button secondary link-button" href="#/till"><${Icon} name="coins" /> ${t('till.title')}</a>
        <a class="button secondary link-button" href="#/money-out"><${Icon} name="receipt" /> ${t('moneyout.title')}</a>
        <a class="button secondary link-button" href="#/switch"><${Icon} name="people" /> ${t('switch.open')}</a>
        <a class="button secondary link-button" href="#/customers"><${Icon} name="people" /> ${t('customers.title')}</a>
      </div>
      <${DataFoot} resources=${[today]} />
      <${FigureCard} icon="coins" title=${t('home.money_today')} value=${revenue && formatMoney(revenue)} resource=${today}>
        ${
          data &&
          html`<p class="figure-detail money-split">
          <span>${t('home.cash')} ${formatMoney(cash)}</span>
          <span>${t('home.mpesa')} ${formatMoney(data.mpesa)}</span>
          ${Number(data.on_account) > 0 && html`<span data-testid="on-account">${t('home.on_account')} ${formatMoney(data.on_account)}</span>`}
        </p>`
        }
        ${
          Number(data?.refunds) > 0 &&
          html`<p class="figure-detail" data-testid="given-back">${t('home.given_back', { amount: formatMoney(data.refunds) })}</p>`
        }
        ${
          unsent.count > 0 &&
          html`<p class="not-sent" data-testid="not-sent">
          <${Icon} name="clock" size=${20} /> ${t('home.not_sent', { count: unsent.count, amount: formatMoney(unsent.amount) })}
        </p>`
        }
      <//>
      <${FigureCard}
        icon="receipt"
        title=${t('home.sales_today')}
        value=${data ? String(data.sales_count + unsent.count) : null}
        resource=${today}
      >
        <a class="button secondary link-button" href="#/sales">${t('sales.see_all')} <${Icon} name="next" /></a>
      <//>
      ${
        data?.pending_mpesa != null &&
        html`<${FigureCard}
        icon="phone"
        title=${t('home.mpesa_waiting')}
        value=${data.pending_mpesa}
        detail=${data.needs_review_mpesa ? t('home.mpesa_to_check', { count: data.needs_review_mpesa }) : t('home.mpesa_none_to_check')}
        resource=${today}
      />`
      }
      ${
        user.role === 'owner' &&
        html`<${ToCheckCard} runtime=${runtime} />
        <${OwedCard} runtime=${runtime} />`
      }
      ${
        data?.low_stock_count != null &&
        html`<${FigureCard} icon="box" title=${t('home.low_stock')} value=${data.low_stock_count} resource=${today}
        detail=${data.low_stock_count ? null : t('home.all_stocked')}>
        ${
          data.low_stock_count > 0 &&
          html`<a class="button secondary link-button" href="#/stock/low">${t('home.see_low_stock')} <${Icon} name="next" /></a>`
        }
      <//>`
      }
      ${
        data?.laundry_orders &&
        (business === 'all' || user.businesses.find((b) => b.code === business)?.kind === 'laundry') &&
        html`<${FigureCard}
        icon="basket"
        title=${t('home.laundry_orders')}
        value=${ORDER_STATES.reduce((n, s) => n + (data.laundry_orders[s] ?? 0), 0)}
        detail=${ORDER_STATES.map((s) => t(`laundry.count.${s}`, { count: data.laundry_orders[s] ?? 0 })).join(' · ')}
        resource=${today}
      />`
      }
      ${
        week &&
        data &&
        html`<section class="card">
        <${BarChart}
          title=${t('home.week_chart')}
          bars=${[...week, { day, revenue: data.revenue }].map((r) => ({
            label: formatDay(r.day),
            value: Number(r.revenue),
            text: formatMoney(r.revenue),
          }))}
        />
      </section>`
      }
      ${
        user.role === 'owner' &&
        html`<a class="button secondary link-button" href="#/businesses"><${Icon} name="people" /> ${t('nav.manage')}</a>`
      }
    </main>
  `
}

/** The owner's: what customers owe (deni), how much of it is over a month old. */
function OwedCard({ runtime }) {
  const owed = useResource(runtime.poller, 'payments', '/payments/debts')
  const data = owed.data
  return html`<${FigureCard} icon="receipt" title=${t('home.owed')} value=${data && formatMoney(data.total)} resource=${owed}
    detail=${data && t('home.owed_detail', { count: data.customers_count, old: formatMoney(data.ageing.over_30) })}>
    <a class="button secondary link-button" href="#/customers">${t('customers.title')} <${Icon} name="next" /></a>
  <//>`
}

/**
 * The owner's "To check" count (the server's list, plus sales this phone could not record); the
 * whole card opens the To check screen. Polled like the dashboard (a 304 while nothing changes).
 */
function ToCheckCard({ runtime }) {
  const list = useResource(runtime.poller, 'payments', '/payments/businesses/all/to-check')
  const { attention } = useRuntimeStatus(runtime)
  const count = list.data ? list.data.count + attention : null
  return html`
    <a class="card-link" href="#/to-check" data-testid="to-check-card">
      <${FigureCard} icon="alert" title=${t('tocheck.open')} value=${count == null ? null : String(count)} resource=${list}
        detail=${count === 0 ? t('tocheck.none') : t('home.to_check_tap')} />
    </a>
  `
}

/** Today's sales still on this phone for `business` ("all": every business): count and money. */
export function unsentToday(items, business, day) {
  const mine = items.filter(
    (item) =>
      item.amount != null && (business === 'all' || item.business === business) && businessDay(item.createdAt) === day,
  )
  return { count: mine.length, amount: sumMoney(mine.map((item) => item.amount)) }
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
