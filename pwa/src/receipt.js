/**
 * A sale's receipt link and how to share it: the public page /r/<token> (opens without a login,
 * in the language the link names) and WhatsApp's wa.me link with the text.
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
