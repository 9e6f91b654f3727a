/**
 * Every word a person sees is in both catalogues: the same keys in English and Swahili, the
 * same {{placeholders}}, every plural form each language needs, every key the code names, and
 * no words written straight into the screens' markup.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import en from '../src/i18n/words-en.js'
import sw from '../src/i18n/words-sw.js'
import { LANGUAGES } from '../src/i18n/index.js'
import { COLUMNS, KINDS } from '../src/views/reports.js'
import { ORDER_FLOW } from '../src/views/laundry.js'
import { ORDER_STATES } from '../src/views/home.js'
import { REASON_KEYS } from '../src/mpesa-words.js'
import { navItems } from '../src/components/nav.js'
import { BUSINESS_KINDS } from '../src/views/businesses.js'
import { AUDIT_ACTIONS, AUDIT_FIELDS } from '../src/views/history.js'
import { CHECK_KINDS } from '../src/views/to-check.js'
import { PRODUCT_UNITS } from '../src/views/products.js'

const CATALOGUES = { en, sw }
const SRC = fileURLToPath(new URL('../src/', import.meta.url))
const PLURAL = new Set(['zero', 'one', 'two', 'few', 'many', 'other'])

const isPlural = (value) =>
  typeof value === 'object' && 'other' in value && Object.keys(value).every((k) => PLURAL.has(k))

/** key → string, or key → {one, other} for plurals. */
function flatten(tree, prefix = '') {
  const out = {}
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string' || isPlural(value)) out[path] = value
    else Object.assign(out, flatten(value, path))
  }
  return out
}

const flat = { en: flatten(en), sw: flatten(sw) }
const placeholders = (value) =>
  [
    ...new Set(
      Object.values(typeof value === 'string' ? { value } : value).flatMap((text) =>
        [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]),
      ),
    ),
  ].sort()

function sources(dir = SRC) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.js') && !name.startsWith('words-') ? [[path, readFileSync(path, 'utf8')]] : []
  })
}

describe('catalogues', () => {
  it('have the same keys in English and Swahili', () => {
    expect(Object.keys(flat.sw).sort()).toEqual(Object.keys(flat.en).sort())
  })

  it('fill in the same placeholders and have no empty words', () => {
    for (const [key, value] of Object.entries(flat.en)) {
      expect(placeholders(flat.sw[key]), key).toEqual(placeholders(value))
      for (const text of Object.values(typeof value === 'string' ? { value } : value))
        expect(text.trim(), key).not.toBe('')
    }
  })

  it('have every plural form each language uses', () => {
    for (const [code, { locale }] of Object.entries(LANGUAGES)) {
      const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories
      for (const [key, value] of Object.entries(flat[code])) {
        if (typeof value === 'object')
          for (const category of needed) expect(value[category], `${code} ${key}.${category}`).toBeTruthy()
      }
    }
  })

  it('have every key the code names', () => {
    const sections = Object.keys(en).join('|')
    const named = new Set()
    for (const [, text] of sources()) {
      for (const match of text.matchAll(new RegExp(`['"]((?:${sections})\\.[\\w.-]+)['"]`, 'g'))) named.add(match[1])
    }
    for (const kind of KINDS) named.add(`reports.kinds.${kind}`)
    for (const column of Object.values(COLUMNS).flat()) named.add(`reports.columns.${column}`)
    for (const status of ORDER_FLOW) named.add(`laundry.status.${status}`)
    for (const status of ORDER_STATES) named.add(`laundry.count.${status}`)
    for (const key of Object.values(REASON_KEYS)) named.add(key)
    for (const item of navItems({ role: 'owner', businesses: [{ code: 'laundry', kind: 'laundry' }] }))
      named.add(item.key)
    named.add('business.all')
    named.add('nav.manage')
    for (const kind of BUSINESS_KINDS) named.add(`kinds.${kind}`)
    for (const role of ['staff', 'owner']) named.add(`staff.roles.${role}`)
    for (const action of AUDIT_ACTIONS) named.add(`audit.actions.${action}`)
    for (const field of AUDIT_FIELDS) named.add(`audit.fields.${field}`)
    for (const unit of PRODUCT_UNITS) named.add(`products.units.${unit}`)
    for (const kind of CHECK_KINDS) for (const part of ['title', 'what', 'todo']) named.add(`tocheck.${kind}.${part}`)
    for (const status of ['pending', 'paid', 'failed', 'cancelled', 'voided', 'needs_review', 'unmatched'])
      named.add(`payment_status.${status}`)
    for (const method of ['cash', 'mpesa']) named.add(`reports.methods.${method}`)
    for (const method of ['cash', 'mpesa']) named.add(`sales.method.${method}`)
    expect(named.size).toBeGreaterThan(100)
    for (const code of Object.keys(CATALOGUES)) {
      const missing = [...named].filter((key) => !(key in flat[code]))
      expect(missing, `missing from ${code}`).toEqual([])
    }
  })

  it('leave no words written straight into the markup of a screen', () => {
    const found = []
    for (const [path, text] of sources()) {
      if (!/[/\\](views|components)[/\\]|app\.js$/.test(path)) continue
      // The markup of each html`…` template, up to the next backtick (a nested template starts
      // its own piece).
      const markup = text
        .split('html`')
        .slice(1)
        .map((piece) => piece.split('`')[0])
        .join('\n')
      for (const match of markup.matchAll(/>([^<>{}$`]*)</g)) {
        const words = match[1].trim()
        if (/[A-Za-z]{2,}/.test(words) && words !== 'tomtin') found.push(`${path.slice(SRC.length)}: ${words}`)
      }
      for (const match of markup.matchAll(/(?:aria-label|placeholder|title|alt)="([^"$]*[A-Za-z]{2,}[^"]*)"/g)) {
        found.push(`${path.slice(SRC.length)}: ${match[1]}`)
      }
    }
    expect(found).toEqual([])
  })
})
