import { html } from '../html.js'
import { useRuntimeStatus } from '../hooks.js'
import { t } from '../i18n/index.js'
import { navigate } from '../router.js'
import { Icon } from './icon.js'

/** On every screen: no connection, sales waiting to send, sales that need attention. */
export function StatusBanners({ runtime }) {
  const status = useRuntimeStatus(runtime)
  const offline = status.reach.online === false || (status.reach.online == null && status.reach.hint === 'offline')
  return html`
    <div class="banners">
      ${offline && html`<p class="banner warn" role="status">${t('banner.offline')}</p>`}
      ${
        status.waiting > 0 &&
        html`<div class="banner outbox" role="status">
        <span><${Icon} name="clock" size=${20} /> ${t('banner.waiting', { count: status.waiting })}</span>
        <button class="button small" type="button" onClick=${() => runtime.outbox.flush({ reason: 'manual' })}>
          ${t('banner.send_now')}
        </button>
      </div>`
      }
      ${
        status.attention > 0 &&
        html`<div class="banner bad">
        <span><${Icon} name="alert" size=${20} /> ${t('banner.attention', { count: status.attention })}</span>
        <button class="button small" type="button" onClick=${() => navigate('/attention')}>${t('banner.look')}</button>
      </div>`
      }
    </div>
  `
}
