import { describe, expect, it } from 'vitest'
import { isOverdue, nairobiIso, tomorrowEvening } from '../src/views/laundry.js'

const NOON_UTC = Date.parse('2026-11-28T12:00:00Z') // 15:00 in Nairobi

describe('laundry times (Nairobi, UTC+3 all year)', () => {
  it('reads a typed time as Nairobi time', () => {
    expect(nairobiIso('2026-11-29T17:00')).toBe('2026-11-29T17:00:00+03:00')
    expect(nairobiIso('')).toBeNull()
    expect(nairobiIso('29/11/2026 17:00')).toBeNull()
  })
  it('promises tomorrow evening by Nairobi date, even late at night UTC', () => {
    expect(tomorrowEvening(NOON_UTC)).toBe('2026-11-29T17:00')
    // 22:30 UTC is already 01:30 on the 29th in Nairobi: tomorrow is the 30th.
    expect(tomorrowEvening(Date.parse('2026-11-28T22:30:00Z'))).toBe('2026-11-30T17:00')
  })
  it('marks an order late only when its promise passed and it is not ready yet', () => {
    const promised_at = '2026-11-28T14:00:00+03:00' // 11:00 UTC, an hour before NOON_UTC
    expect(isOverdue({ promised_at, order_status: 'washing' }, NOON_UTC)).toBe(true)
    expect(isOverdue({ promised_at, order_status: 'ready' }, NOON_UTC)).toBe(false)
    expect(isOverdue({ promised_at, order_status: 'collected' }, NOON_UTC)).toBe(false)
    expect(isOverdue({ promised_at: '2026-11-28T16:00:00+03:00', order_status: 'received' }, NOON_UTC)).toBe(false)
    expect(isOverdue({ promised_at: null, order_status: 'received' }, NOON_UTC)).toBe(false)
  })
})
