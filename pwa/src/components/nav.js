import { html } from '../html.js'
import { navigate } from '../router.js'

/** The screens a user can reach, by role and business. */
export function navItems(user) {
  const codes = user.businesses.map((b) => b.code)
  return [
    { path: '/', icon: '🏠', label: 'Home' },
    { path: '/sell', icon: '➕', label: 'Sell' },
    { path: '/stock', icon: '📦', label: 'Stock' },
    codes.includes('laundry') && { path: '/laundry', icon: '🧺', label: 'Laundry' },
    user.role === 'owner' && { path: '/reports', icon: '📊', label: 'Reports' },
  ].filter(Boolean)
}

/** Bottom navigation: big buttons, the current screen marked. */
export function Nav({ user, route }) {
  return html`
    <nav class="bottom-nav" aria-label="Screens">
      ${navItems(user).map(
        (item) => html`
          <button
            type="button"
            class=${`nav-item ${route === item.path ? 'on' : ''}`}
            aria-current=${route === item.path ? 'page' : undefined}
            onClick=${() => navigate(item.path)}
          >
            <span aria-hidden="true">${item.icon}</span>
            <span>${item.label}</span>
          </button>
        `,
      )}
    </nav>
  `
}
