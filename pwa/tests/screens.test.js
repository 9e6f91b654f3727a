import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { forgetRecent, recentProducts, rememberProducts } from '../src/recent.js'
import { failureReason } from '../src/mpesa-words.js'
import { daysBefore } from '../src/views/reports.js'
import { navItems } from '../src/components/nav.js'

function memoryStorage() {
  const data = new Map()
  return {
    get length() {
      return data.size
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  }
}

describe('recent items', () => {
  beforeEach(() => {
    globalThis.localStorage = memoryStorage()
  })
  afterEach(() => {
    delete globalThis.localStorage
  })

  it('keeps the last six products per user and business, newest first, without repeats', () => {
    rememberProducts(1, 'water', [1, 2])
    rememberProducts(1, 'water', [3, 1])
    expect(recentProducts(1, 'water')).toEqual([3, 1, 2])
    rememberProducts(1, 'water', [4, 5, 6, 7, 8])
    expect(recentProducts(1, 'water')).toEqual([4, 5, 6, 7, 8, 3])
    expect(recentProducts(2, 'water')).toEqual([])
    expect(recentProducts(1, 'retail')).toEqual([])
  })

  it("forgets every user's recent items at logout and leaves other keys alone", () => {
    rememberProducts(1, 'water', [1])
    rememberProducts(2, 'laundry', [2])
    localStorage.setItem('tomtin.business.1', 'water')
    forgetRecent()
    expect(recentProducts(1, 'water')).toEqual([])
    expect(recentProducts(2, 'laundry')).toEqual([])
    expect(localStorage.getItem('tomtin.business.1')).toBe('water')
  })

  it('survives a damaged entry', () => {
    localStorage.setItem('tomtin.recent.1.water', '{not json')
    expect(recentProducts(1, 'water')).toEqual([])
  })
})

describe('M-Pesa failure words', () => {
  it('says why in plain words, falling back to the result description', () => {
    expect(failureReason({ result_code: 1032 })).toBe('The customer cancelled the request.')
    expect(failureReason({ result_code: 2001 })).toMatch(/wrong M-Pesa PIN/)
    expect(failureReason({ result_code: 1037 })).toMatch(/could not be reached/)
    expect(failureReason({ result_code: 4242, result_desc: 'Odd' })).toBe('Odd')
    expect(failureReason({})).toBe('M-Pesa did not complete the payment.')
  })
})

describe('screens', () => {
  it('counts report days on the calendar, across months and years', () => {
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28')
    expect(daysBefore('2027-01-03', 6)).toBe('2026-12-28')
  })

  it('shows laundry only to laundry users and reports only to the owner', () => {
    const staff = { role: 'staff', businesses: [{ code: 'water' }] }
    const owner = { role: 'owner', businesses: [{ code: 'water' }, { code: 'laundry' }] }
    expect(navItems(staff).map((i) => i.label)).toEqual(['Home', 'Sell', 'Stock'])
    expect(navItems(owner).map((i) => i.label)).toEqual(['Home', 'Sell', 'Stock', 'Laundry', 'Reports'])
  })
})
