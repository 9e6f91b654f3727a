import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { errorText } from '../error-words.js'
import { formatMoment, formatMoney } from '../format.js'
import { t } from '../i18n/index.js'
import { ManageTabs } from './manage-tabs.js'

/** Each service keeps the owner's changes to what it owns; this screen reads them side by side. */
const SOURCES = ['/auth/audit', '/inventory/audit', '/payments/audit']
export const AUDIT_ACTIONS = [
  'business_opened',
  'business_changed',
  'user_added',
  'user_changed',
  'password_reset',
  'product_added',
  'product_changed',
  'price_changed',
  'cost_changed',
  'stock_adjust',
  'stock_write_off',
  'payment_resolved',
  'payment_attached',
  'payment_recorded_as_sale',
  'refund_resolved',
  'order_cancelled',
]
export const AUDIT_FIELDS = [
  'name',
  'kind',
  'archived',
  'display_name',
  'phone',
  'role',
  'businesses',
  'active',
  'unit',
  'reorder_level',
  'price',
  'cost',
  'stock_level',
  'reason',
  'status',
  'receipt',
  'note',
  'sale_id',
  'order_status',
  'total',
]
const MONEY = new Set(['price', 'cost', 'total'])

/** The owner's changes (businesses, staff, products, prices, stock): who, when, before → after. */
export function History() {
  const [entries, setEntries] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    Promise.all(SOURCES.map((path) => api.json(path)))
      .then((lists) => setEntries(lists.flat().sort((a, b) => b.at.localeCompare(a.at))))
      .catch((e) => setError(errorText(e)))
  }, [])

  return html`
    <main class="screen history">
      <${ManageTabs} on="/history" />
      <h1>${t('audit.title')}</h1>
      ${error && html`<p class="problem" role="alert">${error}</p>`}
      ${entries?.length === 0 && html`<p>${t('audit.none')}</p>`}
      ${entries?.map(
        (entry) => html`
          <section class="card audit-entry" key=${entry.at + entry.id}>
            <h2 class="card-title">${t(`audit.actions.${entry.action}`)}: ${subjectName(entry.subject)}</h2>
            <p class="fine-print">${t('audit.by', { name: entry.actor_name, when: formatMoment(entry.at) })}</p>
            ${changes(entry).map((line) => html`<p class="audit-change">${line}</p>`)}
          </section>
        `,
      )}
    </main>
  `
}

/** "product:12:Sugar 1 kg" → "Sugar 1 kg"; "user:amina" → "amina"; "payment:7" → "7". */
function subjectName(subject) {
  const [kind, ...rest] = subject.split(':')
  return (kind === 'product' ? rest.slice(1) : rest).join(':')
}

/** One line per field that changed (or was set): "Price: KES 180.00 → KES 199.99". */
function changes({ before, after }) {
  const fields = AUDIT_FIELDS.filter((f) => (before && f in before) || (after && f in after))
  return fields
    .filter((f) => JSON.stringify(before?.[f]) !== JSON.stringify(after?.[f]))
    .map((f) => {
      const from = before && f in before ? shown(f, before[f]) : null
      const to = after && f in after ? shown(f, after[f]) : '—'
      return `${t(`audit.fields.${f}`)}: ${from == null ? to : `${from} → ${to}`}`
    })
}

function shown(field, value) {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no')
  if (Array.isArray(value)) return value.join(', ')
  if (MONEY.has(field)) return formatMoney(value)
  return String(value)
}
