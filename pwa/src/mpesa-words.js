/** Daraja result codes in words a shop worker can say to a customer (DARAJA.md). */
const REASONS = {
  1: 'The customer does not have enough money on M-Pesa.',
  2: 'The amount is below the M-Pesa minimum.',
  3: 'The amount is above the M-Pesa maximum.',
  4: "The customer has reached today's M-Pesa limit.",
  17: 'M-Pesa refused a second request for the same amount within 2 minutes. Wait 2 minutes.',
  1001: "The customer's phone is busy with another M-Pesa request.",
  1019: 'The request expired before the customer answered.',
  1025: 'M-Pesa could not show the request on the phone.',
  9999: 'M-Pesa could not show the request on the phone.',
  1032: 'The customer cancelled the request.',
  1036: "The customer's phone could not be reached (switched off or no network).",
  1037: "The customer's phone could not be reached (switched off or no network).",
  2001: 'The customer entered a wrong M-Pesa PIN.',
}

/** Why a payment failed, in plain words. */
export function failureReason(payment) {
  return REASONS[payment?.result_code] ?? payment?.result_desc ?? 'M-Pesa did not complete the payment.'
}
