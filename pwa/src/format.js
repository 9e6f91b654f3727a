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

/** A quantity without trailing zeros: "2.000" → "2", "1.500" → "1.5". */
export function formatQuantity(quantity) {
  const text = String(quantity ?? '')
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

/** "10:42" on the phone's clock, in Nairobi time. */
export function clockTime(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { timeZone: 'Africa/Nairobi', hour: '2-digit', minute: '2-digit' })
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
