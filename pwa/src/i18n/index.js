/**
 * Words in the user's language. rosetta (≈300 bytes) looks keys up in the active catalogue
 * and fills in {{params}}; plurals are objects keyed by Intl.PluralRules categories
 * ({one, other}) and picked here. Only the active language's catalogue is loaded: each one is
 * its own chunk (dynamic import). Money, numbers and dates go through Intl for en-KE / sw-KE.
 */
import rosetta from 'rosetta'

export const LANGUAGES = {
  en: { locale: 'en-KE', name: 'English' },
  sw: { locale: 'sw-KE', name: 'Kiswahili' },
}
const CATALOGUES = {
  en: () => import('./words-en.js'),
  sw: () => import('./words-sw.js'),
}
const DEVICE_KEY = 'tomtin.language'

const words = rosetta()
const loaded = new Set()
const listeners = new Set()
let current = 'en'
let plurals = new Intl.PluralRules(LANGUAGES.en.locale)

export function language() {
  return current
}

export function locale() {
  return LANGUAGES[current].locale
}

/** Load a language's catalogue once, without making it the active one. */
export async function loadLanguage(code) {
  const next = LANGUAGES[code] ? code : 'en'
  if (!loaded.has(next)) {
    words.set(next, (await CATALOGUES[next]()).default)
    loaded.add(next)
  }
  return next
}

/** Words in another language than the screen's (a message for a customer); load it first. */
export function tIn(code, key, params) {
  return words.t(key, params, code)
}

/** Load a language's catalogue (once) and make it the active one; listeners re-render. */
export async function setLanguage(code) {
  const next = await loadLanguage(code)
  current = next
  words.locale(next)
  plurals = new Intl.PluralRules(LANGUAGES[next].locale)
  globalThis.document?.documentElement.setAttribute('lang', next)
  globalThis.localStorage?.setItem(DEVICE_KEY, next)
  for (const fn of listeners) fn(next)
  return next
}

/** Call `fn(code)` after the language changed; returns an unsubscribe function. */
export function onLanguageChange(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/**
 * The language to start in: the signed-in user's, else the one last used on this phone, else
 * Swahili when the phone prefers it, else English.
 */
export function startLanguage(user, nav = globalThis.navigator) {
  if (LANGUAGES[user?.language]) return user.language
  const saved = globalThis.localStorage?.getItem(DEVICE_KEY)
  if (LANGUAGES[saved]) return saved
  return (nav?.languages ?? []).some((l) => /^sw\b/i.test(l)) ? 'sw' : 'en'
}

/**
 * The words for `key`, with `params` filled in. With `params.count`, the plural form for that
 * number (its digits formatted for the language).
 */
export function t(key, params) {
  if (params?.count == null) return words.t(key, params)
  const count = Number(params.count)
  const filled = { ...params, count: formatNumber(params.count) }
  return words.t(`${key}.${plurals.select(count)}`, filled) || words.t(`${key}.other`, filled)
}

/** A number in the language's style ("1,234.5"); decimal strings stay exact. */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 3, ...options }).format(value)
}
