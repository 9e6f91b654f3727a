import { html } from '../html.js'

/**
 * Bundled line icons (24 × 24, drawn with the text colour), so a phone without an emoji font
 * shows the same thing as any other. Always decorative: the words next to them carry the meaning.
 */
const PATHS = {
  home: 'M3 11l9-8 9 8M5 9.5V20h5v-6h4v6h5V9.5',
  plus: 'M12 5v14M5 12h14',
  box: 'M3 7.5L12 3l9 4.5-9 4.5-9-4.5zM3 7.5V17l9 4.5 9-4.5V7.5M12 12v9.5',
  basket: 'M3 9h18l-2 11H5L3 9zM8 9l4-6 4 6M9 13v4M15 13v4',
  chart: 'M3 20h18M6 16v-5M11 16V6M16 16v-8M21 16v-3',
  drop: 'M12 3c-4 5-6.5 8.3-6.5 11.5a6.5 6.5 0 0 0 13 0C18.5 11.3 16 8 12 3z',
  cart: 'M2 4h3l2.4 11h11.2L21 7H6M10 20a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0zM19 20a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0z',
  store: 'M3 9l2-5h14l2 5M3 9h18v11H3zM9 20v-6h6v6',
  cash: 'M2 6h20v12H2zM14.5 12a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0zM6 9v6M18 9v6',
  phone: 'M7 2h10v20H7zM11 18h2',
  clock: 'M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0zM12 7v5l3 2',
  check: 'M4 12.5l5 5L20 6',
  cross: 'M6 6l12 12M18 6L6 18',
  alert: 'M12 3L2 21h20L12 3zM12 10v5M12 18v.5',
  refresh: 'M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5',
  download: 'M12 3v12M7 10l5 5 5-5M4 21h16',
  back: 'M15 5l-7 7 7 7',
  next: 'M9 5l7 7-7 7',
  coins: 'M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0zM15 8.5h-4a2 2 0 0 0 0 4h2a2 2 0 0 1 0 4H9M12 6.5v2M12 16.5v2',
  receipt: 'M6 2h12v20l-3-2-3 2-3-2-3 2V2zM9 7h6M9 11h6M9 15h4',
  language: 'M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0zM3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18',
  upload: 'M12 21V9M7 14l5-5 5 5M4 3h16',
  people:
    'M16 20v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM21 20v-1a4 4 0 0 0-3-3.9M15.5 4.1a3.5 3.5 0 0 1 0 6.8',
}

/** By business kind. */
export const BUSINESS_ICONS = { water: 'drop', laundry: 'basket', shop: 'cart', all: 'store' }

export function Icon({ name, size = 24 }) {
  return html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
    fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
    <path d=${PATHS[name] ?? PATHS.store} />
  </svg>`
}

export const ICON_NAMES = Object.keys(PATHS)
