/** Switching the app's language: on the phone at once, and kept with the user on the server. */
import { api } from './api.js'
import { setLanguage } from './i18n/index.js'
import { updateUser } from './session.js'

/**
 * Show the app in `code` now and store it with the signed-in user. The server is told in the
 * background: offline, the phone keeps the choice and the next login brings the stored one.
 */
export async function changeLanguage(code, { signedIn = true } = {}) {
  await setLanguage(code)
  if (!signedIn) return
  updateUser({ language: code })
  await api.json('/auth/me/language', { method: 'PUT', body: { language: code }, timeoutMs: 10_000 }).catch(() => {})
}
