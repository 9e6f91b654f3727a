import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { changeLanguage } from '../language.js'
import { LanguageSwitch } from './language-switch.js'

/** App name, who is signed in, the language switch and the log-out button. */
export function TopBar({ user, onLogout, busy }) {
  return html`
    <header class="top-bar">
      <div class="top-who">
        <strong class="brand">tomtin</strong>
        <span class="who">${user.display_name || user.username}</span>
      </div>
      <${LanguageSwitch} onChange=${(code) => changeLanguage(code)} className="button quiet small-top" />
      <button class="button quiet small-top" type="button" onClick=${onLogout} disabled=${busy}>${t('top.logout')}</button>
    </header>
  `
}
