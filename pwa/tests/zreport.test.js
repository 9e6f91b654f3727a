import { beforeAll, describe, expect, it } from 'vitest'
import { setLanguage, t } from '../src/i18n/index.js'
import { formatMoney } from '../src/format.js'
import { pictureLines } from '../src/zreport-lines.js'

// A closed shift of a shop that also takes debts: 500 float + 600 cash sales + 200 paid on debts
// − 50 refunded − 120.50 paid out = 1129.50; one sale was on the phone at the close and arrived
// later (100 more), so the drawer should have had 1229.50.
const SHIFT = {
  business: 'water',
  opened_by_name: 'Wanjiku',
  opened_at: '2026-11-28T05:00:00Z',
  closed_at: '2026-11-28T15:00:00Z',
  float: '500.00',
  cash_sales: '700.00',
  cash_sales_count: 3,
  debt_cash: '200.00',
  debt_cash_count: 1,
  cash_refunds: '50.00',
  payouts: '120.50',
  payouts_count: 1,
  expected: '1229.50',
  expected_at_close: '1129.50',
  correction: '100.00',
  late_sales_count: 1,
  pending_at_close: 1,
  mpesa_sales: '90.00',
  mpesa_sales_count: 1,
  account_sales: '0.00',
  account_sales_count: 0,
  counted: '1120.00',
  difference: '-109.50',
  note: 'boda paid',
}

describe('the Z report picture', () => {
  beforeAll(() => setLanguage('en'))

  it('holds every figure of the screen, so the drawer adds up on paper too', () => {
    const lines = pictureLines(SHIFT, 'Water')
    expect(lines).toContainEqual([t('till.debt_cash', { count: 1 }), formatMoney('200.00')])
    expect(lines).toContainEqual([t('till.cash_refunds'), formatMoney('50.00')])
    expect(lines).toContainEqual([t('till.expected'), formatMoney('1229.50')])
    expect(lines).toContainEqual([t('zreport.short'), formatMoney('109.50')])
  })

  it('says a sale was still on the phone at the close, and the correction when it came', () => {
    const sentences = pictureLines(SHIFT, 'Water')
      .filter(([, value]) => value === '')
      .map(([text]) => text)
    expect(sentences).toContain('1 sale was still on the phone when the shift ended.')
    expect(sentences.join(' ')).toContain(`should have had ${formatMoney('1229.50')}, not ${formatMoney('1129.50')}`)
    expect(sentences).toContain(`${t('till.note')}: boda paid`)
  })

  it('has no close lines while the shift is open', () => {
    const open = { ...SHIFT, counted: null, closed_at: null, note: null }
    expect(pictureLines(open, 'Water').some(([label]) => label === t('zreport.counted'))).toBe(false)
    expect(pictureLines(open, 'Water').filter(([, value]) => value === '')).toHaveLength(2) // title, who
  })
})
