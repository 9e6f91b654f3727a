import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { byCounterOrder } from '../session.js'
import { BUSINESS_ICONS, Icon } from './icon.js'

/** Big buttons, one per business (where sales happen most first); the chosen one is highlighted. */
export function BusinessSwitcher({ businesses, value, onChange }) {
  return html`
    <nav class="switcher" aria-label=${t('nav.business')}>
      ${byCounterOrder(businesses).map(
        (b) => html`
          <button
            type="button"
            class=${`switch ${b.code === value ? 'on' : ''}`}
            aria-pressed=${b.code === value ? 'true' : 'false'}
            onClick=${() => onChange(b.code)}
          >
            <${Icon} name=${BUSINESS_ICONS[b.code] ?? 'store'} size=${28} />
            <span>${businessName(b)}</span>
          </button>
        `,
      )}
    </nav>
  `
}

/** A business's name in the user's language (the server's name for one the app does not know). */
export function businessName(business) {
  return t(`business.${business.code}`) || business.name
}
