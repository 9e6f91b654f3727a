import { html } from '../html.js'
import { useRuntimeStatus } from '../hooks.js'
import { navigate } from '../router.js'

/** On every screen: no connection, sales waiting to send, sales that need attention. */
export function StatusBanners({ runtime }) {
  const status = useRuntimeStatus(runtime)
  const offline = status.reach.online === false || (status.reach.online == null && status.reach.hint === 'offline')
  return html`
    <div class="banners">
      ${offline && html`<p class="banner warn" role="status">No connection. Numbers may be old.</p>`}
      ${status.waiting > 0 &&
      html`<div class="banner">
        <span>⏳ ${plural(status.waiting, 'sale')} waiting to send</span>
        <button class="button small" type="button" onClick=${() => runtime.outbox.flush({ reason: 'manual' })}>
          Send now
        </button>
      </div>`}
      ${status.attention > 0 &&
      html`<div class="banner bad">
        <span>⚠️ ${plural(status.attention, 'sale')} need${status.attention === 1 ? 's' : ''} attention</span>
        <button class="button small" type="button" onClick=${() => navigate('/attention')}>Look</button>
      </div>`}
    </div>
  `
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
