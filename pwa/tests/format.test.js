import { describe, expect, it } from 'vitest'
import { businessDay, countActiveProducts, countSalesOn, formatAge, formatMoney } from '../src/format.js'

describe('format', () => {
  it('formats decimal-string money without floats', () => {
    expect(formatMoney('1234.00')).toBe('KES 1,234.00')
    expect(formatMoney('1234.5')).toBe('KES 1,234.50')
    expect(formatMoney('0.1')).toBe('KES 0.10')
    expect(formatMoney('9007199254740993.99')).toBe('KES 9,007,199,254,740,993.99') // beyond float precision
    expect(formatMoney('2.005')).toBe('KES 2.01')
    expect(formatMoney('-50.00')).toBe('KES -50.00')
    expect(formatMoney(undefined)).toBe('KES —')
    expect(formatMoney('12abc')).toBe('KES —')
  })

  it('says how fresh a figure is', () => {
    const now = 1_000_000
    expect(formatAge(null, now)).toBe('not updated yet')
    expect(formatAge(now - 2000, now)).toBe('updated just now')
    expect(formatAge(now - 12_000, now)).toBe('updated 12 s ago')
    expect(formatAge(now - 3 * 60_000, now)).toBe('updated 3 min ago')
    expect(formatAge(now - 5 * 3_600_000, now)).toBe('updated 5 h ago')
  })

  it('counts sales of the business day in Africa/Nairobi', () => {
    expect(businessDay('2026-11-24T21:30:00Z')).toBe('2026-11-25') // 00:30 in Nairobi
    const sales = {
      as_of: '2026-11-25T09:00:00Z',
      items: [{ created_at: '2026-11-24T20:59:00Z' }, { created_at: '2026-11-24T21:00:00Z' }, { created_at: '2026-11-25T08:00:00+00:00' }],
    }
    expect(countSalesOn(sales)).toBe(2)
    expect(countSalesOn(sales, '2026-11-24')).toBe(1)
    expect(countSalesOn(undefined)).toBeNull()
  })

  it('counts active products', () => {
    expect(countActiveProducts({ items: [{ active: true }, { active: false }, { active: true }] })).toBe(2)
    expect(countActiveProducts(undefined)).toBeNull()
  })
})
