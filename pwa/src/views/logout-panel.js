import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { t } from '../i18n/index.js'
import { logout } from '../runtime.js'

/** Confirm logging out; warns when sales are still waiting (they are kept, never deleted). */
export function LogoutPanel({ session, runtime, onCancel }) {
  const [unsent, setUnsent] = useState(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    Promise.all([runtime.outbox.count(), runtime.outbox.attentionCount()]).then(([a, b]) => setUnsent(a + b))
  }, [runtime])

  async function leave() {
    setBusy(true)
    await logout(runtime, session)
  }

  return html`
    <div class="panel" role="alertdialog" aria-labelledby="logout-title">
      <h2 id="logout-title">${t('logout.question')}</h2>
      ${unsent > 0 && html`<p class="problem">${t('logout.unsent', { count: unsent })}</p>`}
      <div class="row">
        <button class="button primary" type="button" onClick=${leave} disabled=${busy || unsent == null}>
          ${busy ? t('logout.busy') : t('logout.yes')}
        </button>
        <button class="button secondary" type="button" onClick=${onCancel} disabled=${busy}>${t('logout.stay')}</button>
      </div>
    </div>
  `
}
