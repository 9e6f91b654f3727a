import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { Freshness } from './freshness.js'
import { Icon } from './icon.js'

/**
 * The one "updated …" line and Refresh button of a screen, for every resource it polls: the age
 * shown is the oldest one's, and Refresh (or pulling the page down) asks for all of them.
 */
export function DataFoot({ resources }) {
  const live = resources.filter(Boolean)
  const oldest = live.reduce((a, r) => (a == null || (r.freshAt ?? 0) < (a.freshAt ?? 0) ? r : a), null)
  const error = live.find((r) => r.error)?.error ?? null
  const loading = live.some((r) => r.loading)
  return html`
    <div class="card-foot screen-foot">
      <${Freshness} freshAt=${oldest?.freshAt} error=${error} />
      <button class="button small" type="button" disabled=${loading} onClick=${() => live.forEach((r) => r.refresh())}>
        <${Icon} name="refresh" size=${20} /> ${loading ? t('common.updating') : t('common.refresh')}
      </button>
    </div>
    ${error && html`<p class="problem" role="status">${t(PROBLEM_KEYS[error.kind] ?? PROBLEM_KEYS.http)}</p>`}
  `
}

const PROBLEM_KEYS = {
  network: 'fresh.problem_network',
  timeout: 'fresh.problem_timeout',
  http: 'fresh.problem_server',
}
