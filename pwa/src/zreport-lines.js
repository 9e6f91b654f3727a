/**
 * A shift's money in words, one list for every place that shows it: the till, the Z report on
 * screen and the Z report sent as a picture (which must hold the same figures, so they add up to
 * what the drawer should hold, and say when sales were still on a phone or arrived after the end).
 */
import { formatMoment, formatMoney } from './format.js'
import { t } from './i18n/index.js'

/** [label, amount, quiet] in the order the drawer adds up; quiet lines are not cash in the drawer. */
export function shiftMoney(shift) {
  return [
    [t('till.float'), shift.float],
    [t('till.cash_sales', { count: shift.cash_sales_count }), shift.cash_sales],
    [t('till.debt_cash', { count: shift.debt_cash_count ?? 0 }), shift.debt_cash ?? '0.00'],
    [t('till.cash_refunds'), shift.cash_refunds],
    [t('till.payouts', { count: shift.payouts_count }), shift.payouts],
    [t('till.expected'), shift.expected],
    [t('till.mpesa_sales', { count: shift.mpesa_sales_count }), shift.mpesa_sales, true],
    [t('till.account_sales', { count: shift.account_sales_count ?? 0 }), shift.account_sales ?? '0.00', true],
  ]
}

/** When the shift started and ended. */
export function shiftTimes(shift) {
  return [
    [t('zreport.opened'), formatMoment(shift.opened_at)],
    [t('zreport.closed'), shift.closed_at ? formatMoment(shift.closed_at) : t('zreport.still_open')],
  ]
}

/** "Cash missing" / "Extra cash" / "Cash is exact", for the difference counted − expected. */
export function differenceWords(difference) {
  const value = Number(difference)
  if (value < 0) return t('zreport.short')
  if (value > 0) return t('zreport.over')
  return t('zreport.exact')
}

/** A money amount without its sign (the words say whether it is missing or extra). */
export function unsigned(amount) {
  return String(amount ?? '').replace(/^-/, '')
}

/**
 * What the close must warn about, as [kind, sentence]: sales still waiting on the phone when it
 * closed ('pending-at-close'), and the correction once such sales arrived ('corrected').
 */
export function closeNotes(shift) {
  if (shift.counted == null) return []
  const notes = []
  if (shift.pending_at_close > 0) {
    notes.push(['pending-at-close', t('zreport.pending_at_close', { count: shift.pending_at_close })])
  }
  if (Number(shift.correction) !== 0 || shift.late_sales_count > 0) {
    notes.push([
      'corrected',
      t('zreport.corrected', {
        count: shift.late_sales_count,
        before: formatMoney(shift.expected_at_close),
        now: formatMoney(shift.expected),
      }),
    ])
  }
  return notes
}

/** The whole Z report as [label, value] lines for the picture; a sentence has value ''. */
export function pictureLines(shift, businessName) {
  const lines = [
    [t('zreport.title'), ''],
    [`${businessName} · ${shift.opened_by_name}`, ''],
    ...shiftTimes(shift),
    ...shiftMoney(shift).map(([label, amount]) => [label, formatMoney(amount)]),
  ]
  if (shift.counted != null) {
    lines.push([t('zreport.counted'), formatMoney(shift.counted)])
    lines.push([differenceWords(shift.difference), formatMoney(unsigned(shift.difference))])
  }
  lines.push(...closeNotes(shift).map(([, note]) => [note, '']))
  if (shift.note) lines.push([`${t('till.note')}: ${shift.note}`, ''])
  return lines
}
