import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { byCounterOrder } from '../session.js'
import { BUSINESS_ICONS, Icon } from './icon.js'

/** Big buttons, one per open business (where sales happen most first); the chosen one is highlighted. */
export function BusinessSwitcher({ businesses, value, onChange }) {
  return html`
    <nav class="switcher" aria-label=${t('nav.business')}>
      ${byCounterOrder(openBusinesses(businesses)).map(
        (b) => html`
          <button
            type="button"
            class=${`switch ${b.code === value ? 'on' : ''}`}
            aria-pressed=${b.code === value ? 'true' : 'false'}
            onClick=${() => onChange(b.code)}
          >
            <${Icon} name=${BUSINESS_ICONS[b.kind] ?? 'store'} size=${28} />
            <span>${businessName(b)}</span>
          </button>
        `,
      )}
    </nav>
  `
}

/** A business's name: the owner names businesses, so it is the server's. */
export function businessName(business) {
  return business.name
}

/** The businesses that take sales (an archived one only keeps its history in reports). */
export function openBusinesses(businesses) {
  return businesses.filter((b) => !b.archived)
}
