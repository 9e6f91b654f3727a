import { html } from '../html.js'
import { Icon } from './icon.js'

/** One big figure. Freshness and Refresh are the screen's (DataFoot), not each card's. */
export function FigureCard({ icon, title, value, detail, resource, children }) {
  const shown = value ?? (resource?.error ? '—' : '…')
  return html`
    <section class="card" aria-busy=${resource?.loading ? 'true' : 'false'}>
      <h2 class="card-title"><${Icon} name=${icon} /> ${title}</h2>
      <p class="figure">${shown}</p>
      ${detail && html`<p class="figure-detail">${detail}</p>`}
      ${children}
    </section>
  `
}
