import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { formatMoment, formatMoney, formatPhone, normalisePhone } from '../format.js'
import { errorText } from '../error-words.js'
import { newUuid } from '../outbox.js'
import { t } from '../i18n/index.js'
import { DataFoot } from '../components/data-foot.js'
import { ManageTabs } from './manage-tabs.js'

const ALERTS = ['low_stock', 'daily_summary']

/** The owner's text messages: each one's status, this month's count and cost, the alert
 *  switches per business and the numbers that get no more messages. */
export function Messages({ session, runtime }) {
  const { user } = session
  const owner = user.role === 'owner'
  const page = useResource(runtime.poller, 'payments', owner ? '/payments/messages' : null)
  if (!owner) return html`<main class="screen"><p>${t('reports.owner_only')}</p></main>`
  const data = page.data
  return html`
    <main class="screen messages">
      <${ManageTabs} on="/messages" />
      <h1>${t('messages.title')}</h1>
      <${DataFoot} resources=${[page]} />
      ${
        data &&
        html`
        <section class="card month-figures">
          <h2 class="card-title">${t('messages.month')}</h2>
          <p class="figure">${formatMoney(data.month.cost)}</p>
          <p class="figure-detail">${t('messages.count', { count: data.month.count })}</p>
        </section>
        <${Alerts} alerts=${data.alerts} phones=${data.alert_phones} businesses=${user.businesses} saved=${page.refresh} />
        <${Stopped} numbers=${data.opt_outs} saved=${page.refresh} />
        <h2>${t('messages.list')}</h2>
        ${data.items.length === 0 && html`<p>${t('messages.none')}</p>`}
        <ul class="message-list">
          ${data.items.map((m) => html`<${MessageItem} key=${m.id} message=${m} saved=${page.refresh} />`)}
        </ul>
      `
      }
    </main>
  `
}

function MessageItem({ message, saved }) {
  // One key per message shown: a second tap (or a retry after a lost answer) sends once.
  const [key] = useState(newUuid)
  const [state, setState] = useState(null)

  async function resend() {
    setState({ busy: true })
    try {
      await api.json(`/payments/messages/${message.id}/resend`, { method: 'POST', headers: { 'Idempotency-Key': key } })
      setState({ done: true })
      saved()
    } catch (e) {
      setState({ error: errorText(e) })
    }
  }

  return html`
    <li class="card message-item">
      <div class="row message-head">
        <span class="message-phone">${formatPhone(message.phone)}</span>
        <span class=${`message-status message-${message.status}`}>${t(`messages.status.${message.status}`)}</span>
      </div>
      <p class="figure-detail">${t(`messages.kind.${message.kind}`)} · ${formatMoment(message.created_at)}</p>
      <p class="message-body">${message.body}</p>
      ${message.reason && html`<p class="problem">${t(`messages.reason.${message.reason}`)}</p>`}
      ${
        message.status === 'failed' &&
        !state?.done &&
        html`<button class="button secondary" type="button" disabled=${state?.busy} onClick=${resend}>${t('messages.resend')}</button>`
      }
      ${state?.error && html`<p class="problem" role="alert">${state.error}</p>`}
    </li>
  `
}

function Alerts({ alerts, phones, businesses, saved }) {
  const [state, setState] = useState(null)
  // The switch moves at once; the server's answer confirms it (or the switch moves back).
  const [chosen, setChosen] = useState({})
  const names = Object.fromEntries(businesses.map((b) => [b.code, b.name]))

  async function change(business, alert, on) {
    const key = `${business}.${alert}`
    setChosen((was) => ({ ...was, [key]: on }))
    setState(null)
    try {
      await api.json(`/payments/businesses/${business}/message-alerts`, { method: 'PUT', body: { [alert]: on } })
      saved()
    } catch (e) {
      setChosen(({ [key]: _, ...rest }) => rest)
      setState({ error: errorText(e) })
    }
  }

  return html`
    <section class="card message-alerts">
      <h2 class="card-title">${t('messages.alerts')}</h2>
      <p class="figure-detail">${t('messages.alerts_lead')}</p>
      ${
        phones.length
          ? html`<p class="figure-detail">${t('messages.alerts_to', { phones: phones.map(formatPhone).join(', ') })}</p>`
          : html`<p class="banner"><a href="#/staff">${t('messages.no_phone')}</a></p>`
      }
      ${alerts.map(
        (a) => html`
          <fieldset class="alert-set" key=${a.business}>
            <legend>${names[a.business] ?? a.business}</legend>
            ${ALERTS.map(
              (alert) => html`
                <label class="check-line">
                  <input type="checkbox" checked=${chosen[`${a.business}.${alert}`] ?? a[alert]}
                    onChange=${(e) => change(a.business, alert, e.currentTarget.checked)} />
                  ${t(`messages.alert.${alert}`)}
                </label>
              `,
            )}
          </fieldset>
        `,
      )}
      ${state?.error && html`<p class="problem" role="alert">${state.error}</p>`}
    </section>
  `
}

function Stopped({ numbers, saved }) {
  const [phone, setPhone] = useState('')
  const [state, setState] = useState(null)

  async function call(method, number) {
    setState({ busy: true })
    try {
      await api.json(`/payments/message-opt-outs/${number}`, { method })
      setState(null)
      setPhone('')
      saved()
    } catch (e) {
      setState({ error: errorText(e) })
    }
  }

  function stop(event) {
    event.preventDefault()
    const number = normalisePhone(phone)
    if (!number) return setState({ error: t('messages.wrong_phone') })
    return call('PUT', number)
  }

  return html`
    <section class="card message-stops">
      <h2 class="card-title">${t('messages.stopped')}</h2>
      <p class="figure-detail">${t('messages.stopped_lead')}</p>
      <label for="stop-phone">${t('messages.phone')}</label>
      <form class="row" onSubmit=${stop}>
        <input id="stop-phone" inputmode="tel" autocomplete="off" value=${phone}
          onInput=${(e) => {
            setPhone(e.currentTarget.value)
            setState(null)
          }} />
        <button class="button secondary" type="submit" disabled=${state?.busy}>${t('messages.stop')}</button>
      </form>
      <ul class="stopped-list">
        ${numbers.map(
          (n) => html`
            <li class="row" key=${n.phone}>
              <span class="message-phone">${formatPhone(n.phone)}</span>
              <span class="figure-detail">${t(`messages.source.${n.source}`)}</span>
              <button class="button secondary" type="button" disabled=${state?.busy}
                onClick=${() => call('DELETE', n.phone)}>${t('messages.allow')}</button>
            </li>
          `,
        )}
      </ul>
      ${state?.error && html`<p class="problem" role="alert">${state.error}</p>`}
    </section>
  `
}
