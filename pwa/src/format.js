/**
 * Words and numbers as the user sees them, in the active language (Intl, en-KE / sw-KE).
 * Money arrives as a decimal string and stays a string: it is rounded to cents with BigInt and
 * handed to Intl.NumberFormat as a string, which formats decimal strings exactly.
 */
import { formatNumber, locale, t } from './i18n/index.js'

export { formatNumber }

const NAIROBI = 'Africa/Nairobi'

/** Cents as a BigInt from a decimal string, rounded half up; null when not a number. */
function toCents(amount) {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(amount ?? '').trim())
  if (!match) return null
  const [, sign, whole, fraction = ''] = match
  let cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2))
  if (fraction.length > 2 && Number(fraction[2]) >= 5) cents += 1n
  return sign ? -cents : cents
}

function centsText(cents) {
  const abs = cents < 0n ? -cents : cents
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}

/** "KES 1,234.00" from a decimal string; "KES —" when missing. */
export function formatMoney(amount) {
  const cents = toCents(amount)
  if (cents == null) return 'KES —'
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'KES', currencyDisplay: 'code' }).format(
    centsText(cents),
  )
}

/** "updated 12 s ago" from a time in ms (client clock). */
export function formatAge(freshAt, now) {
  if (freshAt == null) return t('fresh.never')
  const seconds = Math.max(0, Math.floor((now - freshAt) / 1000))
  if (seconds < 5) return t('fresh.now')
  if (seconds < 60) return t('fresh.seconds', { count: seconds })
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return t('fresh.minutes', { count: minutes })
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return t('fresh.hours', { count: hours })
  return t('fresh.days', { count: Math.floor(hours / 24) })
}

const nairobiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: NAIROBI,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The business day (YYYY-MM-DD in Africa/Nairobi) of an ISO-8601 timestamp. */
export function businessDay(iso) {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? null : nairobiDay.format(time)
}

/** "Mon, 23 Nov" for a business day "2026-11-23" (a calendar day: no time zone involved). */
export function formatDay(day) {
  const date = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return String(day ?? '')
  return new Intl.DateTimeFormat(locale(), {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(date)
}

/** "Mon, 23 Nov, 10:42" for a moment, in Nairobi time. */
export function formatMoment(iso) {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  return new Intl.DateTimeFormat(locale(), {
    timeZone: NAIROBI,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date)
}

/** Thousandths as a BigInt from a decimal string ("2.5" → 2500n); null when not a number. */
function milli(text) {
  const match = /^(\d+)(?:\.(\d{0,3}))?$/.exec(String(text ?? '').trim())
  return match ? BigInt(match[1]) * 1000n + BigInt((match[2] ?? '').padEnd(3, '0')) : null
}

/** price × quantity as a decimal string with two places, rounded half up, without floats. */
export function lineTotal(price, quantity) {
  const cents = milli(price)
  const qty = milli(quantity)
  if (cents == null || qty == null) return null
  const exact = cents * qty // thousandths × thousandths = millionths of a shilling
  const rounded = (exact + 5_000n) / 10_000n // to cents
  return `${rounded / 100n}.${(rounded % 100n).toString().padStart(2, '0')}`
}

/** The sum of decimal money strings, as a decimal string. */
export function sumMoney(amounts) {
  let cents = 0n
  for (const amount of amounts) {
    const value = milli(amount)
    if (value != null) cents += value / 10n
  }
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`
}

/** A quantity in the language's style, without trailing zeros: "2.000" → "2", "1500.5" → "1,500.5". */
export function formatQuantity(quantity) {
  const text = String(quantity ?? '').trim()
  return /^-?\d+(\.\d+)?$/.test(text) ? formatNumber(text) : text
}

/** "40 pieces" / "vipande 40": a quantity with its unit in words (units the app knows). */
export function formatAmountOf(quantity, unit) {
  const words = t(`units.${unit}`, { count: Number(quantity), qty: formatQuantity(quantity) })
  return words || `${formatQuantity(quantity)} ${unit ?? ''}`.trim()
}

/** "10:42" on the phone's clock, in Nairobi time. */
export function clockTime(ms) {
  return new Intl.DateTimeFormat(locale(), { timeZone: NAIROBI, hour: '2-digit', minute: '2-digit' }).format(ms)
}

/**
 * A Kenyan phone number in the form the server keeps (2547XXXXXXXX / 2541XXXXXXXX), or null.
 * The server checks again; this only catches typos before a push is requested.
 */
export function normalisePhone(raw) {
  const digits = String(raw ?? '').replace(/[\s-]/g, '')
  const match = /^(?:\+?254|0)([17]\d{8})$/.exec(digits)
  return match ? `254${match[1]}` : null
}

/** A phone number as a customer says it: "254712345678" → "0712 345 678". */
export function formatPhone(phone) {
  const normal = normalisePhone(phone)
  if (!normal) return String(phone ?? '')
  const local = `0${normal.slice(3)}`
  return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`
}
