import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { problemText } from '../error-words.js'
import { formatMoment } from '../format.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'
import { Icon } from '../components/icon.js'

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
    <main class="screen attention">
      <button class="button quiet back" type="button" onClick=${() => navigate('/')}><${Icon} name="back" /> ${t('common.back')}</button>
      <h1>${t('attention.title')}</h1>
      ${items?.length > 0 && html`<p>${t('attention.intro')}</p>`}
      ${items?.length === 0 && html`<p class="banner">${t('attention.none')}</p>`}
      ${items?.map(
        (item) => html`
          <section class="card" key=${item.key}>
            <h2 class="card-title">${item.label || t('attention.sale')}</h2>
            <p>${formatMoment(item.createdAt)}</p>
            <p class="problem">${problemText(item.problem, item.status)}</p>
            ${item.problem?.request_id && html`<p class="fine-print">${t('attention.ref', { ref: item.problem.request_id })}</p>`}
            ${
              confirming === item.key
                ? html`<p>${t('attention.delete_question')}</p>
                  <div class="row">
                    <button class="button danger" type="button" onClick=${() => discard(item.key)}>${t('attention.delete_yes')}</button>
                    <button class="button secondary" type="button" onClick=${() => setConfirming(null)}>${t('common.no')}</button>
                  </div>`
                : html`<div class="row">
                  <button class="button primary" type="button" onClick=${() => retry(item.key)}>${t('attention.retry')}</button>
                  <button class="button secondary" type="button" onClick=${() => setConfirming(item.key)}>
                    ${t('attention.delete')}
                  </button>
                </div>`
            }
          </section>
        `,
      )}
    </main>
  `
}
