import { html } from '../html.js'
import { Freshness } from './freshness.js'

const PROBLEM_WORDS = {
  network: 'No connection. Showing the last numbers.',
  timeout: 'The connection is slow. Trying again.',
  http: 'The server has a problem. Trying again.',
}

/** One big figure with its freshness and a refresh button. */
export function FigureCard({ icon, title, value, detail, resource }) {
  const { loading, error, freshAt, refresh } = resource
  const shown = value ?? (error ? '—' : '…')
  return html`
    <section class="card" aria-busy=${loading ? 'true' : 'false'}>
      <h2 class="card-title"><span aria-hidden="true">${icon}</span> ${title}</h2>
      <p class="figure">${shown}</p>
      ${detail && html`<p class="figure-detail">${detail}</p>`}
      ${error && html`<p class="problem" role="status">${PROBLEM_WORDS[error.kind] ?? PROBLEM_WORDS.http}</p>`}
      <div class="card-foot">
        <${Freshness} freshAt=${freshAt} error=${error} />
        <button class="button secondary" type="button" onClick=${refresh} disabled=${loading}>
          <span aria-hidden="true">↻</span> ${loading ? 'Updating…' : 'Refresh'}
        </button>
      </div>
    </section>
  `
}
