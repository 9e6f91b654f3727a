import { html } from '../html.js'

/**
 * Small horizontal bars (plain divs scale with the text). `bars` are `{label, value: number,
 * text}`; the number is only for the bar length, `text` is what is read. The label and the
 * figure share a line and the bar has its own, so long names and big figures fit a 320 px phone.
 */
export function BarChart({ bars, title }) {
  const max = Math.max(0, ...bars.map((b) => b.value))
  return html`
    <figure class="bars">
      ${title && html`<figcaption class="card-title">${title}</figcaption>`}
      ${bars.map(
        (b) => html`
          <div class="bar-row" key=${b.label}>
            <span class="bar-label">${b.label}</span>
            <span class="bar-text">${b.text}</span>
            <span class="bar-track"><span class="bar" style=${`width:${max > 0 ? (100 * b.value) / max : 0}%`}></span></span>
          </div>
        `,
      )}
    </figure>
  `
}
