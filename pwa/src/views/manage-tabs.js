import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'

/** The owner's two set-up screens, one tap apart. */
export function ManageTabs({ on }) {
  const tabs = [
    ['/businesses', 'setup.businesses_link'],
    ['/staff', 'setup.staff_link'],
    ['/products', 'products.tab'],
    ['/history', 'audit.title'],
    ['/messages', 'messages.tab'],
  ]
  return html`
    <nav class="row manage-tabs" aria-label=${t('nav.manage')}>
      ${tabs.map(
        ([path, key]) => html`
          <button
            type="button"
            class=${`button ${on === path ? 'primary' : 'secondary'}`}
            aria-current=${on === path ? 'page' : undefined}
            onClick=${() => navigate(path)}
          >
            ${t(key)}
          </button>
        `,
      )}
    </nav>
  `
}
