import { beforeAll, describe, expect, it } from 'vitest'
import {
  businessDay,
  formatAge,
  formatAmountOf,
  formatDay,
  formatMoney as intlMoney,
  formatPhone,
  formatQuantity,
  lineTotal,
  normalisePhone,
  sumMoney,
} from '../src/format.js'
import { setLanguage } from '../src/i18n/index.js'

// Intl puts a no-break space between "KES" and the figure; compare with plain spaces.
const formatMoney = (amount) => intlMoney(amount).replace(/\u00a0/g, ' ')

beforeAll(() => setLanguage('en'))

describe('format', () => {
  it('formats decimal-string money without floats', () => {
    expect(formatMoney('1234.00')).toBe('KES 1,234.00')
    expect(formatMoney('1234.5')).toBe('KES 1,234.50')
    expect(formatMoney('0.1')).toBe('KES 0.10')
    expect(formatMoney('9007199254740993.99')).toBe('KES 9,007,199,254,740,993.99') // beyond float precision
    expect(formatMoney('2.005')).toBe('KES 2.01')
    expect(formatMoney('-50.00')).toBe('-KES 50.00')
    expect(formatMoney(undefined)).toBe('KES —')
    expect(formatMoney('12abc')).toBe('KES —')
  })

  it('says how fresh a figure is', () => {
    const now = 1_000_000
    expect(formatAge(null, now)).toBe('not updated yet')
    expect(formatAge(now - 2000, now)).toBe('updated just now')
    expect(formatAge(now - 12_000, now)).toBe('updated 12 seconds ago')
    expect(formatAge(now - 61_000, now)).toBe('updated 1 minute ago')
    expect(formatAge(now - 3 * 60_000, now)).toBe('updated 3 minutes ago')
    expect(formatAge(now - 5 * 3_600_000, now)).toBe('updated 5 hours ago')
  })

  it('says it in Swahili, with the plural agreeing with the number', async () => {
    await setLanguage('sw')
    try {
      const now = 1_000_000
      expect(formatAge(now - 1_000 * 61, now)).toBe('imesasishwa dakika 1 iliyopita')
      expect(formatAge(now - 12_000, now)).toBe('imesasishwa sekunde 12 zilizopita')
      expect(formatAmountOf('1', 'piece')).toBe('kipande 1')
      expect(formatAmountOf('40.000', 'piece')).toBe('vipande 40')
      expect(formatDay('2026-11-23')).toMatch(/^Jumatatu,? 23 Nov/)
      expect(formatMoney('99999999.99')).toBe('KES 99,999,999.99')
    } finally {
      await setLanguage('en')
    }
  })

  it('reads days as "Mon, 23 Nov", quantities with units, numbers as customers say them', () => {
    expect(formatDay('2026-11-23')).toMatch(/^Mon,? 23 Nov$/)
    expect(formatAmountOf('1.500', 'kg')).toBe('1.5 kg')
    expect(formatAmountOf('2', 'crate')).toBe('2 crate') // a unit the app has no words for
    expect(formatPhone('254712345678')).toBe('0712 345 678')
    expect(formatPhone('+254112345678')).toBe('0112 345 678')
    expect(formatPhone('oops')).toBe('oops')
  })

  it('finds the business day in Africa/Nairobi', () => {
    expect(businessDay('2026-11-24T21:30:00Z')).toBe('2026-11-25') // 00:30 in Nairobi
    expect(businessDay('2026-11-24T20:59:00Z')).toBe('2026-11-24')
  })
})

describe('sale arithmetic', () => {
  it('multiplies price by quantity without floats', () => {
    expect(lineTotal('50.00', '3')).toBe('150.00')
    expect(lineTotal('120.00', '2.5')).toBe('300.00')
    expect(lineTotal('0.10', '3')).toBe('0.30') // 0.1 × 3 is 0.30000000000000004 in floats
    expect(lineTotal('33.33', '0.333')).toBe('11.10')
  })
  it('adds money strings', () => {
    expect(sumMoney(['0.10', '0.20', '1.00'])).toBe('1.30')
  })
  it('normalises Kenyan phones and rejects others', () => {
    expect(normalisePhone('0712 345 678')).toBe('254712345678')
    expect(normalisePhone('+254112345678')).toBe('254112345678')
    expect(normalisePhone('254712345678')).toBe('254712345678')
    expect(normalisePhone('0812345678')).toBe(null)
    expect(normalisePhone('12345')).toBe(null)
  })
  it('trims quantities', () => {
    expect(formatQuantity('2.000')).toBe('2')
    expect(formatQuantity('1.500')).toBe('1.5')
    expect(formatQuantity('1500.250')).toBe('1,500.25')
  })
})
