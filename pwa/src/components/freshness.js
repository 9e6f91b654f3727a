import { html } from '../html.js'
import { useNow } from '../hooks.js'
import { formatAge } from '../format.js'

/** "updated 12 s ago", ticking every second. */
export function Freshness({ freshAt }) {
  const now = useNow(1000)
  return html`<span class="freshness">${formatAge(freshAt, now)}</span>`
}
