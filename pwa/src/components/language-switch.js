import { html } from '../html.js'
import { LANGUAGES, language } from '../i18n/index.js'
import { Icon } from './icon.js'

/** One button naming the other language in its own words ("Kiswahili" / "English"). */
export function LanguageSwitch({ onChange, className = 'button quiet' }) {
  const other = language() === 'sw' ? 'en' : 'sw'
  return html`<button type="button" class=${`${className} language`} lang=${other} onClick=${() => onChange(other)}>
    <${Icon} name="language" size=${20} /> ${LANGUAGES[other].name}
  </button>`
}
