import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { replaceSession } from '../session.js'
import { BUSINESS_ICONS, Icon } from '../components/icon.js'
import { ManageTabs } from './manage-tabs.js'

/** The kinds of business the app knows; the kind decides the screens (laundry orders, counted stock). */
export const BUSINESS_KINDS = ['water', 'laundry', 'shop']

/**
 * The owner's businesses: open one of a kind, rename, close (archive) or reopen. After a change
 * the owner's token is refreshed, so every screen follows the new list at once.
 */
export function Businesses() {
  const [list, setList] = useState(null)
  const [error, setError] = useState(null)

  const load = () =>
    api
      .json('/auth/businesses')
      .then(setList)
      .catch((e) => setError(errorText(e)))
  useEffect(() => {
    load()
  }, [])

  /** Send a change, then take a fresh token naming the businesses as they are now. */
  async function change(path, init) {
    setError(null)
    try {
      await api.json(path, init)
      // The runtime restarts with the new token, and this screen with it.
      await replaceSession(() => api.json('/auth/refresh', { method: 'POST' }))
      await load()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }

  return html`
    <main class="screen businesses">
      <${ManageTabs} on="/businesses" />
      <h1>${t('setup.title')}</h1>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${list?.map((b) => html`<${BusinessCard} key=${b.code} business=${b} change=${change} />`)}
      <${OpenBusiness} open=${(body) => change('/auth/businesses', { method: 'POST', body })} />
    </main>
  `
}

function BusinessCard({ business, change }) {
  const [name, setName] = useState(business.name)
  const [asking, setAsking] = useState(false)
  const path = `/auth/businesses/${business.code}`
  const id = `name-${business.code}`
  return html`
    <section class="card">
      <h2 class="card-title"><${Icon} name=${BUSINESS_ICONS[business.kind]} /> ${business.name}</h2>
      <p class="fine-print">${t(`kinds.${business.kind}`)}</p>
      ${business.archived && html`<p class="banner warn">${t('setup.archived')}</p>`}
      <label for=${id}>${t('setup.name')}</label>
      <input id=${id} value=${name} maxlength="80" onInput=${(e) => setName(e.currentTarget.value)} />
      <div class="row">
        <button class="button secondary" type="button" disabled=${!name.trim() || name.trim() === business.name}
          onClick=${() => change(path, { method: 'PATCH', body: { name: name.trim() } })}>${t('setup.rename')}</button>
        ${
          business.archived
            ? html`<button class="button secondary" type="button"
                onClick=${() => change(path, { method: 'PATCH', body: { archived: false } })}>${t('setup.reopen')}</button>`
            : !asking &&
              html`<button class="button secondary" type="button" onClick=${() => setAsking(true)}>${t('setup.archive')}</button>`
        }
      </div>
      ${
        asking &&
        !business.archived &&
        html`<p>${t('setup.archive_question', { name: business.name })}</p>
        <div class="row">
          <button class="button danger" type="button"
            onClick=${() => change(path, { method: 'PATCH', body: { archived: true } }).then(() => setAsking(false))}>
            ${t('setup.yes_archive')}
          </button>
          <button class="button secondary" type="button" onClick=${() => setAsking(false)}>${t('common.no')}</button>
        </div>`
      }
    </section>
  `
}

function OpenBusiness({ open }) {
  const [name, setName] = useState('')
  const [kind, setKind] = useState('shop')
  const [busy, setBusy] = useState(false)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    if (await open({ name: name.trim(), kind })) setName('')
    setBusy(false)
  }

  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('setup.open_title')}</h2>
      <label for="new-business-name">${t('setup.name')}</label>
      <input id="new-business-name" value=${name} maxlength="80" required onInput=${(e) => setName(e.currentTarget.value)} />
      <label for="new-business-kind">${t('setup.kind')}</label>
      <select id="new-business-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
        ${BUSINESS_KINDS.map((k) => html`<option value=${k}>${t(`kinds.${k}`)}</option>`)}
      </select>
      <button class="button primary wide" type="submit" disabled=${busy || !name.trim()}>
        ${busy ? t('common.saving') : t('setup.open')}
      </button>
    </form>
  `
}
