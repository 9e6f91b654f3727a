/**
 * A sale's receipt link and the ways to share it: the public page /r/<token> (opens without a
 * login, in the language the link names), WhatsApp's wa.me link and an SMS draft with the text.
 */
import { normalisePhone } from './format.js'

export function receiptUrl(origin, token, language) {
  return `${origin}/r/${encodeURIComponent(token)}?lang=${language}`
}

/** wa.me with the text; to the customer's chat when their number is known, else WhatsApp asks whom. */
export function whatsappLink(phone, text) {
  const to = normalisePhone(phone) ?? ''
  return `https://wa.me/${to}?text=${encodeURIComponent(text)}`
}

/** The phone's SMS app with the text written in (`?body=` is what Android and iOS both read). */
export function smsLink(phone, text) {
  const to = normalisePhone(phone)
  return `sms:${to ? `+${to}` : ''}?body=${encodeURIComponent(text)}`
}
