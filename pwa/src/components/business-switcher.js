import { html } from '../html.js'

export const BUSINESS_ICONS = { water: '💧', laundry: '🧺', retail: '🛒' }

/** Big buttons, one per business; the chosen one is highlighted. */
export function BusinessSwitcher({ businesses, value, onChange }) {
  return html`
    <nav class="switcher" aria-label="Business">
      ${businesses.map(
        (b) => html`
          <button
            type="button"
            class=${`switch ${b.code === value ? 'on' : ''}`}
            aria-pressed=${b.code === value ? 'true' : 'false'}
            onClick=${() => onChange(b.code)}
          >
            <span class="switch-icon" aria-hidden="true">${BUSINESS_ICONS[b.code] ?? '🏪'}</span>
            <span>${b.name}</span>
          </button>
        `,
      )}
    </nav>
  `
}
