import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { setLanguage, startLanguage, t } from '../src/i18n/index.js'
import { chosenBusiness } from '../src/session.js'
import { firstShownAt } from '../src/views/mpesa-status.js'
import { unsentToday } from '../src/views/home.js'
import { forgetRecent, recentProducts, rememberProducts } from '../src/recent.js'
import { failureReason } from '../src/mpesa-words.js'
import { daysBefore } from '../src/views/reports.js'
import { navItems } from '../src/components/nav.js'

beforeAll(() => setLanguage('en'))

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
    localStorage.setItem('tomtin.mpesa.shown.12', '1000')
    forgetRecent()
    expect(localStorage.getItem('tomtin.mpesa.shown.12')).toBe(null)
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

  it('shows laundry only to users of a laundry-kind business and reports only to the owner', () => {
    const staff = { role: 'staff', businesses: [{ code: 'water', kind: 'water' }] }
    const owner = {
      role: 'owner',
      businesses: [
        { code: 'water', kind: 'water' },
        { code: 'dobi', kind: 'laundry' },
      ],
    }
    const closed = { role: 'staff', businesses: [{ code: 'dobi', kind: 'laundry', archived: true }] }
    expect(navItems(staff).map((i) => t(i.key))).toEqual(['Home', 'Sell', 'Stock'])
    expect(navItems(closed).map((i) => t(i.key))).toEqual(['Home', 'Sell', 'Stock'])
    expect(navItems(owner).map((i) => t(i.key))).toEqual(['Home', 'Sell', 'Stock', 'Laundry', 'Reports'])
  })

  it("starts in the user's language, else this phone's last one, else Swahili if the phone prefers it", () => {
    globalThis.localStorage = memoryStorage()
    try {
      const english = { languages: ['en-US'] }
      expect(startLanguage({ language: 'sw' }, english)).toBe('sw')
      expect(startLanguage(null, english)).toBe('en')
      expect(startLanguage(null, { languages: ['sw-KE', 'en'] })).toBe('sw')
      localStorage.setItem('tomtin.language', 'en')
      expect(startLanguage(null, { languages: ['sw-KE'] })).toBe('en')
      expect(startLanguage({ language: 'fr' }, english)).toBe('en') // not one we have
    } finally {
      delete globalThis.localStorage
    }
  })

  it('opens the business last used, else the first open one the user sells in (by kind, not alphabetical)', () => {
    globalThis.localStorage = memoryStorage()
    const laundry = { code: 'laundry', kind: 'laundry' }
    try {
      const staff = { id: 7, businesses: [laundry, { code: 'water', kind: 'water' }] }
      expect(chosenBusiness(staff)).toBe('water')
      expect(chosenBusiness({ id: 8, businesses: [laundry, { code: 'retail', kind: 'shop' }] })).toBe('retail')
      expect(chosenBusiness({ id: 9, businesses: [laundry, { code: 'old', kind: 'water', archived: true }] })).toBe(
        'laundry',
      )
      localStorage.setItem('tomtin.business.7', 'laundry')
      expect(chosenBusiness(staff)).toBe('laundry')
      localStorage.setItem('tomtin.business.7', 'retail') // no longer one of theirs
      expect(chosenBusiness(staff)).toBe('water')
    } finally {
      delete globalThis.localStorage
    }
  })

  it('keeps when an M-Pesa status was first shown, so a reload does not restart "check later"', () => {
    const storage = memoryStorage()
    expect(firstShownAt(12, 1_000, storage)).toBe(1_000)
    expect(firstShownAt(12, 50_000, storage)).toBe(1_000)
    expect(firstShownAt(13, 50_000, storage)).toBe(50_000)
    storage.setItem('tomtin.mpesa.shown.14', 'garbage')
    expect(firstShownAt(14, 60_000, storage)).toBe(60_000)
  })

  it("counts today's unsent cash sales of the business into Money today", () => {
    const items = [
      { business: 'water', amount: '50.00', createdAt: '2026-11-24T08:00:00Z' },
      { business: 'water', amount: '120.50', createdAt: '2026-11-24T20:30:00Z' }, // 23:30 in Nairobi
      { business: 'water', amount: '10.00', createdAt: '2026-11-23T08:00:00Z' }, // yesterday
      { business: 'retail', amount: '180.00', createdAt: '2026-11-24T09:00:00Z' },
      { business: 'water', createdAt: '2026-11-24T09:00:00Z' }, // queued before amounts were kept
    ]
    expect(unsentToday(items, 'water', '2026-11-24')).toEqual({ count: 2, amount: '170.50' })
    expect(unsentToday(items, 'all', '2026-11-24')).toEqual({ count: 3, amount: '350.50' })
    expect(unsentToday([], 'water', '2026-11-24')).toEqual({ count: 0, amount: '0.00' })
  })
})
