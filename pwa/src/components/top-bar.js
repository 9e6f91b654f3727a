import { html } from '../html.js'

/** App name, who is signed in, and the log-out button. */
export function TopBar({ user, onLogout, busy }) {
  return html`
    <header class="top-bar">
      <div>
        <strong class="brand">tomtin</strong>
        <span class="who">${user.display_name || user.username}</span>
      </div>
      <button class="button quiet" type="button" onClick=${onLogout} disabled=${busy}>Log out</button>
    </header>
  `
}
