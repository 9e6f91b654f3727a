import { beforeEach, describe, expect, it } from 'vitest'
import { openShiftId, rememberShift, shiftField } from '../src/shift.js'

describe('the shift open on this phone', () => {
  beforeEach(() => {
    const store = new Map()
    globalThis.localStorage = {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => store.set(k, String(v)),
      removeItem: (k) => store.delete(k),
    }
  })

  it('is kept per user and business and goes into cash sale bodies until forgotten', () => {
    expect(shiftField(7, 'water')).toEqual({})
    rememberShift(7, 'water', 41)
    expect(openShiftId(7, 'water')).toBe(41)
    expect(shiftField(7, 'water')).toEqual({ shift_id: 41 })
    expect(shiftField(7, 'retail')).toEqual({})
    expect(shiftField(8, 'water')).toEqual({})
    rememberShift(7, 'water', null)
    expect(shiftField(7, 'water')).toEqual({})
  })

  it('ignores anything that is not a shift id', () => {
    globalThis.localStorage.setItem('tomtin.shift.7.water', 'nonsense')
    expect(openShiftId(7, 'water')).toBeNull()
  })
})
