import { useEffect, useState } from 'preact/hooks'
import { html } from '../html.js'
import { api } from '../api.js'
import { newUuid } from '../outbox.js'
import { errorText } from '../error-words.js'
import { formatMoney, formatPhone, normalisePhone } from '../format.js'
import { language, loadLanguage, t, tIn } from '../i18n/index.js'
import { receiptUrl, whatsappLink } from '../receipt.js'
import { Icon } from './icon.js'

/**
 * A sale's receipt: open it (to read or print on the 58 mm printer), send its link on WhatsApp,
 * or have tomtin text it (through the messages queue), in the customer's language.
 */
export function ReceiptShare({ sale, businessName }) {
  const [lang, setLang] = useState(() => sale.customer_language ?? language())
  const [phone, setPhone] = useState(sale.customer_phone ? formatPhone(sale.customer_phone) : '')
  const [ready, setReady] = useState(lang === language())
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState(null)
  useEffect(() => {
    let live = true
    loadLanguage(lang).then(() => live && setReady(true))
    return () => {
      live = false
    }
  }, [lang])
  async function text() {
    setBusy(true)
    setNote(null)
    try {
      await api.json(`/payments/sales/${sale.id}/receipt/sms`, {
        method: 'POST',
        headers: { 'Idempotency-Key': newUuid() },
        body: { phone: phone.trim() ? (normalisePhone(phone) ?? phone.trim()) : null, language: lang },
      })
      setNote({ ok: true, text: t('receipt.sms_sent') })
    } catch (e) {
      setNote({ ok: false, text: errorText(e) })
    } finally {
      setBusy(false)
    }
  }

  if (!sale.receipt_token) return null
  const url = receiptUrl(globalThis.location.origin, sale.receipt_token, lang)
  const message = ready
    ? tIn(lang, 'receipt.share_text', {
        ref: sale.reference,
        business: businessName,
        total: formatMoney(sale.total),
        url,
      })
    : url
  return html`
    <section class="card column receipt-share" data-testid="receipt">
      <h2 class="card-title">${t('receipt.title')}</h2>
      <div class="row" role="group" aria-label=${t('receipt.language')}>
        ${['sw', 'en'].map(
          (code) => html`<button type="button" key=${code} class=${`switch ${lang === code ? 'on' : ''}`}
            aria-pressed=${lang === code} onClick=${() => setLang(code)}>${t(`receipt.in.${code}`)}</button>`,
        )}
      </div>
      <label for="receipt-phone">${t('receipt.phone')}</label>
      <input id="receipt-phone" type="tel" inputmode="tel" autocomplete="off" maxlength="20" placeholder="0712 345 678"
        value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} />
      <div class="row">
        <a class="button secondary" href=${url} target="_blank" rel="noopener">
          <${Icon} name="next" size=${20} /> ${t('receipt.open')}
        </a>
        <a class="button secondary" href=${whatsappLink(phone, message)} target="_blank" rel="noopener" data-testid="whatsapp">
          ${t('receipt.whatsapp')}
        </a>
        <button class="button secondary" type="button" disabled=${busy} onClick=${text}>${t('receipt.sms')}</button>
      </div>
      ${note && html`<p class=${note.ok ? 'banner good' : 'problem'} role=${note.ok ? 'status' : 'alert'}>${note.text}</p>`}
    </section>
  `
}
