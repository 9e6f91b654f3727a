import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { businessName, openBusinesses } from '../components/business-switcher.js'
import { ManageTabs } from './manage-tabs.js'

/**
 * The owner's staff: add a person (they get a one-time code to log in with), stop or allow
 * their access, give a new one-time code. Stopping access logs them out on every phone.
 */
export function Staff({ session }) {
  const [people, setPeople] = useState(null)
  const [error, setError] = useState(null)
  const [code, setCode] = useState(null)

  const load = () =>
    api
      .json('/auth/users')
      .then(setPeople)
      .catch((e) => setError(errorText(e)))
  useEffect(() => {
    load()
  }, [])

  /** Send a change; an answer with a one-time code is shown until the next change. */
  async function change(path, init) {
    setError(null)
    setCode(null)
    try {
      const answer = await api.json(path, init)
      if (answer?.one_time_code) setCode(answer)
      await load()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }

  return html`
    <main class="screen staff">
      <${ManageTabs} on="/staff" />
      <h1>${t('staff.title')}</h1>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${
        code &&
        html`<section class="panel one-time-code" role="status">
          <p>${t('staff.code_intro', { name: code.user.display_name, username: code.user.username })}</p>
          <p class="figure">${code.one_time_code}</p>
          <p class="fine-print">${t('staff.code_expires')}</p>
        </section>`
      }
      ${people?.map(
        (person) =>
          html`<${PersonCard} key=${person.id} person=${person} me=${person.id === session.user.id} change=${change} />`,
      )}
      <${AddPerson} businesses=${openBusinesses(session.user.businesses)} add=${(body) => change('/auth/users', { method: 'POST', body })} />
    </main>
  `
}

function PersonCard({ person, me, change }) {
  const [asking, setAsking] = useState(null)
  const name = person.display_name
  const path = `/auth/users/${person.id}`
  const actions = {
    disable: ['staff.disable_question', 'staff.yes_disable', path, { method: 'PATCH', body: { active: false } }],
    reset: ['staff.reset_question', 'staff.yes_reset', `${path}/password-reset`, { method: 'POST' }],
  }
  const enable = () => change(path, { method: 'PATCH', body: { active: true } })
  const asked = asking && actions[asking]
  const confirm = () => change(asked[2], asked[3]).then(() => setAsking(null))
  return html`
    <section class="card person">
      <h2 class="card-title">${name}${me ? ` · ${t('staff.you')}` : ''}</h2>
      <p>${person.username} · ${t(`staff.roles.${person.role}`)}</p>
      <p class="fine-print">${person.businesses.map(businessName).join(', ')}</p>
      ${!person.active && html`<p class="banner warn">${t('staff.disabled')}</p>`}
      ${
        !me &&
        !asked &&
        html`<div class="row">
          ${
            person.active
              ? html`<button class="button secondary" type="button" onClick=${() => setAsking('disable')}>${t('staff.disable')}</button>`
              : html`<button class="button secondary" type="button" onClick=${enable}>${t('staff.enable')}</button>`
          }
          <button class="button secondary" type="button" onClick=${() => setAsking('reset')}>${t('staff.reset')}</button>
        </div>`
      }
      ${
        asked &&
        html`<p>${t(asked[0], { name })}</p>
        <div class="row">
          <button class="button danger" type="button" onClick=${confirm}>${t(asked[1])}</button>
          <button class="button secondary" type="button" onClick=${() => setAsking(null)}>${t('common.no')}</button>
        </div>`
      }
    </section>
  `
}

const EMPTY = { display_name: '', username: '', phone: '', role: 'staff', businesses: [] }

function AddPerson({ businesses, add }) {
  const [form, setForm] = useState(EMPTY)
  const [busy, setBusy] = useState(false)
  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value })
  const toggle = (code) =>
    setForm({
      ...form,
      businesses: form.businesses.includes(code)
        ? form.businesses.filter((c) => c !== code)
        : [...form.businesses, code],
    })
  const ready = form.display_name.trim() && form.username.trim() && (form.role === 'owner' || form.businesses.length)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    const body = { ...form, username: form.username.trim().toLowerCase(), display_name: form.display_name.trim() }
    if (!body.phone.trim()) delete body.phone
    if (await add(body)) setForm(EMPTY)
    setBusy(false)
  }

  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('staff.add_title')}</h2>
      <div class="form-grid">
        <div>
          <label for="person-name">${t('staff.display_name')}</label>
          <input id="person-name" value=${form.display_name} maxlength="80" onInput=${set('display_name')} />
        </div>
        <div>
          <label for="person-username">${t('staff.username')}</label>
          <input id="person-username" value=${form.username} maxlength="64" autocapitalize="none" spellcheck="false"
            onInput=${set('username')} />
        </div>
        <div>
          <label for="person-phone">${t('staff.phone')}</label>
          <input id="person-phone" type="tel" value=${form.phone} maxlength="20" onInput=${set('phone')} />
        </div>
        <div>
          <label for="person-role">${t('staff.role')}</label>
          <select id="person-role" value=${form.role} onChange=${set('role')}>
            <option value="staff">${t('staff.roles.staff')}</option>
            <option value="owner">${t('staff.roles.owner')}</option>
          </select>
        </div>
      </div>
      ${
        form.role === 'staff' &&
        html`<fieldset class="works-in">
          <legend>${t('staff.works_in')}</legend>
          ${businesses.map(
            (b) => html`<label class="check">
              <input type="checkbox" checked=${form.businesses.includes(b.code)} onChange=${() => toggle(b.code)} />
              ${businessName(b)}
            </label>`,
          )}
        </fieldset>`
      }
      <button class="button primary wide" type="submit" disabled=${busy || !ready}>
        ${busy ? t('common.saving') : t('staff.add')}
      </button>
    </form>
  `
}
