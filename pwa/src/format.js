/**
 * Words and numbers as the user sees them. Money arrives as a decimal string and is formatted
 * as a string (no floats): "1234.5" → "KES 1,234.50".
 */

/** "KES 1,234.00" from a decimal string; "KES —" when missing. */
export function formatMoney(amount) {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(amount ?? '').trim())
  if (!match) return 'KES —'
  const [, sign, whole, fraction = ''] = match
  let cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2))
  if (fraction.length > 2 && Number(fraction[2]) >= 5) cents += 1n
  const shillings = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const rest = (cents % 100n).toString().padStart(2, '0')
  return `KES ${sign && cents > 0n ? '-' : ''}${shillings}.${rest}`
}

/** "updated 12 s ago" from a time in ms (client clock). */
export function formatAge(freshAt, now) {
  if (freshAt == null) return 'not updated yet'
  const seconds = Math.max(0, Math.floor((now - freshAt) / 1000))
  if (seconds < 5) return 'updated just now'
  if (seconds < 60) return `updated ${seconds} s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `updated ${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `updated ${hours} h ago`
  return `updated ${Math.floor(hours / 24)} days ago`
}

const nairobiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Africa/Nairobi',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The business day (YYYY-MM-DD in Africa/Nairobi) of an ISO-8601 timestamp. */
export function businessDay(iso) {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? null : nairobiDay.format(time)
}

/** Sales in the list made on `day` (defaults to the day of the list's server time). */
export function countSalesOn(sales, day = businessDay(sales?.as_of)) {
  if (!sales || !day) return null
  return (sales.items ?? []).filter((sale) => businessDay(sale.created_at) === day).length
}

/** Products that can be sold now. */
export function countActiveProducts(products) {
  return products ? (products.items ?? []).filter((p) => p.active !== false).length : null
}
