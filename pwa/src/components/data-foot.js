import { html } from '../html.js'
import { Freshness } from './freshness.js'

/** Freshness and a refresh button under a list fed by one or more polled resources. */
export function DataFoot({ resources }) {
  const oldest = resources.reduce((a, r) => (a == null || (r.freshAt ?? 0) < (a.freshAt ?? 0) ? r : a), null)
  const error = resources.find((r) => r.error)?.error ?? null
  const loading = resources.some((r) => r.loading)
  return html`
    <div class="card-foot">
      <${Freshness} freshAt=${oldest?.freshAt} error=${error} />
      <button class="button small" type="button" disabled=${loading} onClick=${() => resources.forEach((r) => r.refresh())}>
        <span aria-hidden="true">↻</span> ${loading ? 'Updating…' : 'Refresh'}
      </button>
    </div>
  `
}
