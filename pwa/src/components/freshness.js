import { html } from '../html.js'
import { useNow } from '../hooks.js'
import { clockTime, formatAge } from '../format.js'
import { t } from '../i18n/index.js'

/** "updated 12 s ago", ticking every second; "offline — data from 10:42" when unreachable. */
export function Freshness({ freshAt, error }) {
  const now = useNow(1000)
  const offline = error && (error.kind === 'network' || error.kind === 'timeout')
  const words = offline && freshAt != null ? t('fresh.offline', { time: clockTime(freshAt) }) : formatAge(freshAt, now)
  return html`<span class="freshness">${words}</span>`
}
