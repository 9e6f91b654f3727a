import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { useResource } from '../hooks.js'
import { chooseBusiness, chosenBusiness } from '../session.js'
import { formatMoney } from '../format.js'
import { errorText } from '../error-words.js'
import { t } from '../i18n/index.js'
import { BusinessSwitcher } from '../components/business-switcher.js'
import { DataFoot } from '../components/data-foot.js'

const MONEY = /^\d+(\.\d{1,2})?$/

/** The owner's cost prices: what one of each product costs to buy, for the profit reports. */
export function Costs({ session, runtime }) {
  const { user } = session
  const [business, setBusiness] = useState(() => chosenBusiness(user))
  const owner = user.role === 'owner'
  const products = useResource(runtime.poller, 'inventory', owner ? `/inventory/businesses/${business}/costs` : null)
  if (!owner) return html`<main class="screen"><p>${t('reports.owner_only')}</p></main>`
  return html`
    <main class="screen costs">
      <h1>${t('costs.title')}</h1>
      <p>${t('costs.lead')}</p>
      <${BusinessSwitcher} businesses=${user.businesses} value=${business}
        onChange=${(code) => {
          chooseBusiness(user, code)
          setBusiness(code)
        }} />
      <${DataFoot} resources=${[products]} />
      ${(products.data?.items ?? []).map((p) => html`<${CostRow} key=${p.id} product=${p} saved=${products.refresh} />`)}
    </main>
  `
}

function CostRow({ product, saved }) {
  const [cost, setCost] = useState(product.cost ?? '')
  const [state, setState] = useState(null)

  async function save() {
    if (!MONEY.test(String(cost).trim())) return setState({ error: t('costs.wrong') })
    setState({ busy: true })
    try {
      await api.json(`/inventory/products/${product.id}/cost`, { method: 'PUT', body: { cost: String(cost).trim() } })
      setState({ done: true })
      saved()
    } catch (e) {
      setState({ error: errorText(e) })
    }
  }

  const id = `cost-${product.id}`
  return html`
    <section class="card cost-row">
      <h2 class="card-title">${product.name}</h2>
      <p class="figure-detail">${t('costs.price', { price: formatMoney(product.price) })}</p>
      <label for=${id}>${t('costs.cost')}</label>
      <div class="row">
        <input id=${id} inputmode="decimal" autocomplete="off" placeholder="0.00" value=${cost}
          onInput=${(e) => {
            setCost(e.currentTarget.value)
            setState(null)
          }} />
        <button class="button secondary" type="button" disabled=${state?.busy} onClick=${save}>${t('common.save')}</button>
      </div>
      ${state?.done && html`<p class="banner good" role="status">${t('costs.saved')}</p>`}
      ${state?.error && html`<p class="problem" role="alert">${state.error}</p>`}
    </section>
  `
}
