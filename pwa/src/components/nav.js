import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'
import { Icon } from './icon.js'

/** The screens a user can reach, by role and business. */
export function navItems(user) {
  const kinds = user.businesses.filter((b) => !b.archived).map((b) => b.kind)
  return [
    { path: '/', icon: 'home', key: 'nav.home' },
    { path: '/sell', icon: 'plus', key: 'nav.sell' },
    { path: '/stock', icon: 'box', key: 'nav.stock' },
    kinds.includes('laundry') && { path: '/laundry', icon: 'basket', key: 'nav.laundry' },
    user.role === 'owner' && { path: '/reports', icon: 'chart', key: 'nav.reports' },
  ].filter(Boolean)
}

/** Bottom navigation: big buttons, the current screen marked. */
export function Nav({ user, route }) {
  return html`
    <nav class="bottom-nav" aria-label=${t('nav.screens')}>
      ${navItems(user).map(
        (item) => html`
          <button
            type="button"
            class=${`nav-item ${route === item.path ? 'on' : ''}`}
            aria-current=${route === item.path ? 'page' : undefined}
            onClick=${() => navigate(item.path)}
          >
            <${Icon} name=${item.icon} />
            <span class="nav-label">${t(item.key)}</span>
          </button>
        `,
      )}
    </nav>
  `
}
