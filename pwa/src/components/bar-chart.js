import { html } from '../html.js'

/**
 * Small horizontal bars (SVG-free: plain divs scale with the text). `bars` are
 * `{label, value: number, text}`; the number is only for the bar length, `text` is what is read.
 */
export function BarChart({ bars, title }) {
  const max = Math.max(0, ...bars.map((b) => b.value))
  return html`
    <figure class="bars" aria-label=${title}>
      ${title && html`<figcaption class="card-title">${title}</figcaption>`}
      ${bars.map(
        (b) => html`
          <div class="bar-row" key=${b.label}>
            <span class="bar-label">${b.label}</span>
            <span class="bar-track"><span class="bar" style=${`width:${max > 0 ? (100 * b.value) / max : 0}%`}></span></span>
            <span class="bar-text">${b.text}</span>
          </div>
        `,
      )}
    </figure>
  `
}
