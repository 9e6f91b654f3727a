import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { language, setLanguage, t } from '../i18n/index.js'
import { changeLanguage } from '../language.js'
import { saveSession } from '../session.js'
import { LanguageSwitch } from '../components/language-switch.js'
import { NewPassword } from './new-password.js'

/**
 * Username + password → POST /api/auth/login; the app switches to Home when the session is
 * saved. A language picked here wins over the one stored with the user (it is stored for them);
 * otherwise the app switches to the user's stored language.
 */
export function Login() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const [picked, setPicked] = useState(false)
  const [firstLogin, setFirstLogin] = useState(null)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const login = await api.json('/auth/login', {
        method: 'POST',
        auth: false,
        body: { username: username.trim(), password },
      })
      if (login.user.must_change_password) setFirstLogin(login)
      else await start(login)
    } catch (e) {
      setError(e.status === 401 ? t('login.wrong') : errorText(e))
      setBusy(false)
    }
  }

  async function start(login) {
    const chosen = language()
    await saveSession(login)
    if (picked && login.user.language !== chosen) await changeLanguage(chosen)
    else await setLanguage(login.user.language)
  }

  function pick(code) {
    setPicked(true)
    setLanguage(code)
  }

  if (firstLogin) return html`<${NewPassword} login=${firstLogin} code=${password} done=${start} />`
  return html`
    <main class="login">
      <div class="login-top"><${LanguageSwitch} onChange=${pick} className="button secondary" /></div>
      <h1 class="brand big">tomtin</h1>
      <p class="lead">${t('login.lead')}</p>
      <form onSubmit=${submit} novalidate>
        <label for="username">${t('login.username')}</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          value=${username}
          onInput=${(e) => setUsername(e.currentTarget.value)}
        />
        <label for="password">${t('login.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value=${password}
          onInput=${(e) => setPassword(e.currentTarget.value)}
        />
        ${error && html`<p class="problem" role="alert">${error}</p>`}
        <button class="button primary" type="submit" disabled=${busy || !username || !password}>
          ${busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  `
}
