import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { businessName } from './business-switcher.js'

/** A labelled drop-down of the user's businesses with "All" first (owner screens over businesses). */
export function BusinessSelect({ businesses, value, onChange }) {
  return html`<label>${t('reports.business')}
    <select value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="all">${t('business.all')}</option>
      ${businesses.map((b) => html`<option value=${b.code}>${businessName(b)}</option>`)}
    </select>
  </label>`
}
