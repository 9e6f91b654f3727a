import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { saveSession } from '../session.js'

/** Username + password → POST /api/auth/login; the app switches to Home when the session is saved. */
export function Login() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

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
      await saveSession(login)
    } catch (e) {
      setError(e.status === 401 ? 'Wrong username or password.' : e.message)
      setBusy(false)
    }
  }

  return html`
    <main class="login">
      <h1 class="brand big">tomtin</h1>
      <p class="lead">Water · Laundry · Shop</p>
      <form onSubmit=${submit} novalidate>
        <label for="username">Username</label>
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
        <label for="password">Password</label>
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
          ${busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  `
}
