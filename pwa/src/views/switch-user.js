import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { setLanguage, t } from '../i18n/index.js'
import { replaceSession } from '../session.js'

/**
 * A phone shared by several people at the counter: hand it to a colleague, who types their
 * short PIN, so each sale is recorded under the person who made it. Each person first chooses
 * their PIN here (with their password). Wrong PINs are limited by the server.
 */
export function SwitchUser({ session }) {
  return html`
    <main class="screen switch-user">
      <h1>${t('switch.title')}</h1>
      <p>${t('switch.lead', { name: session.user.display_name || session.user.username })}</p>
      <${SwitchForm} />
      <${PinForm} />
    </main>
  `
}

function SwitchForm() {
  const [username, setUsername] = useState('')
  const [pin, setPin] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const login = await replaceSession(() =>
        api.json('/auth/switch', { method: 'POST', body: { username: username.trim().toLowerCase(), pin } }),
      )
      await setLanguage(login.user.language)
      location.hash = '/'
    } catch (e) {
      setError(errorText(e))
      setPin('')
      setBusy(false)
    }
  }

  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('switch.to_title')}</h2>
      <label for="switch-username">${t('login.username')}</label>
      <input id="switch-username" autocapitalize="none" spellcheck="false" value=${username}
        onInput=${(e) => setUsername(e.currentTarget.value)} />
      <label for="switch-pin">${t('switch.pin')}</label>
      <input id="switch-pin" type="password" inputmode="numeric" autocomplete="off" maxlength="6" value=${pin}
        onInput=${(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))} />
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      <button class="button primary wide" type="submit" disabled=${busy || !username.trim() || pin.length < 4}>
        ${t('switch.go')}
      </button>
    </form>
  `
}

function PinForm() {
  const [password, setPassword] = useState('')
  const [pin, setPin] = useState('')
  const [state, setState] = useState(null)

  async function submit(event) {
    event.preventDefault()
    try {
      await api.json('/auth/me/pin', { method: 'PUT', body: { password, pin } })
      setState({ ok: true })
      setPassword('')
      setPin('')
    } catch (e) {
      setState({ error: errorText(e) })
    }
  }

  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('switch.my_pin_title')}</h2>
      <p class="fine-print">${t('switch.my_pin_lead')}</p>
      <label for="my-password">${t('login.password')}</label>
      <input id="my-password" type="password" autocomplete="current-password" value=${password}
        onInput=${(e) => setPassword(e.currentTarget.value)} />
      <label for="my-pin">${t('switch.new_pin')}</label>
      <input id="my-pin" type="password" inputmode="numeric" autocomplete="off" maxlength="6" value=${pin}
        onInput=${(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))} />
      ${state?.ok && html`<p class="banner good" role="status">${t('switch.pin_saved')}</p>`}
      ${state?.error && html`<p class="problem" role="alert">${state.error}</p>`}
      <button class="button secondary wide" type="submit" disabled=${!password || pin.length < 4}>${t('switch.save_pin')}</button>
    </form>
  `
}
