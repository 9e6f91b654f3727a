import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { problemMessage } from '../api.js'
import { navigate } from '../router.js'

/** Sales the server refused: what it said, and what the user can do about it. */
export function Attention({ runtime }) {
  const [items, setItems] = useState(null)
  const [confirming, setConfirming] = useState(null)
  const load = () => runtime.outbox.attention().then(setItems)
  useEffect(() => {
    load()
    return runtime.subscribe(load)
  }, [runtime])

  async function retry(key) {
    await runtime.outbox.retry(key)
    runtime.outbox.flush({ reason: 'manual' })
  }

  async function discard(key) {
    await runtime.outbox.discard(key)
    setConfirming(null)
  }

  return html`
    <main class="attention">
      <button class="button quiet" type="button" onClick=${() => navigate('/')}>← Back</button>
      <h1>Sales that need attention</h1>
      <p>The server did not accept these sales. Read the reason, then try again or ask the owner.</p>
      ${items?.length === 0 && html`<p class="banner">Nothing needs attention.</p>`}
      ${items?.map(
        (item) => html`
          <section class="card" key=${item.key}>
            <h2 class="card-title">${item.label || 'Sale'}</h2>
            <p>${new Date(item.createdAt).toLocaleString()}</p>
            <p class="problem">${problemMessage(item.problem, item.status)}</p>
            ${item.problem?.request_id && html`<p class="fine-print">Ref: ${item.problem.request_id}</p>`}
            ${confirming === item.key
              ? html`<p>Delete this sale? It will not be recorded.</p>
                  <div class="row">
                    <button class="button danger" type="button" onClick=${() => discard(item.key)}>Yes, delete</button>
                    <button class="button secondary" type="button" onClick=${() => setConfirming(null)}>No</button>
                  </div>`
              : html`<div class="row">
                  <button class="button primary" type="button" onClick=${() => retry(item.key)}>Try again</button>
                  <button class="button secondary" type="button" onClick=${() => setConfirming(item.key)}>
                    Delete
                  </button>
                </div>`}
          </section>
        `,
      )}
    </main>
  `
}
