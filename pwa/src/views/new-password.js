import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'

/**
 * After logging in with a one-time code: choose one's own password. The code's token is used
 * once here (it is not saved); the answer is a new session, handed to `done`.
 */
export function NewPassword({ login, code, done }) {
  const [first, setFirst] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit(event) {
    event.preventDefault()
    if (first !== again) {
      setError(t('password.mismatch'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const fresh = await api.json('/auth/me/password', {
        method: 'PUT',
        auth: false,
        headers: { Authorization: `Bearer ${login.token}` },
        body: { current_password: code, new_password: first },
      })
      await done(fresh)
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }

  return html`
    <main class="login">
      <h1>${t('password.title')}</h1>
      <p class="lead">${t('password.intro')}</p>
      <form onSubmit=${submit} novalidate>
        <label for="new-password">${t('password.new')}</label>
        <input id="new-password" type="password" autocomplete="new-password" value=${first}
          onInput=${(e) => setFirst(e.currentTarget.value)} />
        <label for="new-password-again">${t('password.again')}</label>
        <input id="new-password-again" type="password" autocomplete="new-password" value=${again}
          onInput=${(e) => setAgain(e.currentTarget.value)} />
        ${error && html`<p class="problem" role="alert">${error}</p>`}
        <button class="button primary" type="submit" disabled=${busy || first.length < 8 || !again}>
          ${busy ? t('common.saving') : t('password.save')}
        </button>
      </form>
    </main>
  `
}
