/** Daraja result codes in words a shop worker can say to a customer (DARAJA.md). */
import { t } from './i18n/index.js'

/** Result code → catalogue key (codes that mean the same thing share one). */
export const REASON_KEYS = {
  1: 'mpesa.reason.no_money',
  2: 'mpesa.reason.below_minimum',
  3: 'mpesa.reason.above_maximum',
  4: 'mpesa.reason.daily_limit',
  17: 'mpesa.reason.same_amount',
  1001: 'mpesa.reason.busy',
  1019: 'mpesa.reason.expired',
  1025: 'mpesa.reason.not_shown',
  9999: 'mpesa.reason.not_shown',
  1032: 'mpesa.reason.cancelled',
  1036: 'mpesa.reason.unreachable',
  1037: 'mpesa.reason.unreachable',
  2001: 'mpesa.reason.wrong_pin',
}

/** Why a payment failed, in plain words (M-Pesa's own description for a code we do not know). */
export function failureReason(payment) {
  const key = REASON_KEYS[payment?.result_code]
  return key ? t(key) : (payment?.result_desc ?? t('mpesa.reason.unknown'))
}

/**
 * Why M-Pesa refused to send money back (B2C) or to reverse a payment, in plain words with what
 * to do instead. The same codes mean other things here than on a customer's payment: code 1 is
 * the business's own account short of money, not the customer's.
 */
export const REFUND_REASON_KEYS = {
  1: 'sales.refund_why.no_money',
  2040: 'sales.refund_why.not_registered',
  8006: 'sales.refund_why.locked',
  R000001: 'sales.refund_why.already_reversed',
  R000002: 'sales.refund_why.unknown_payment',
}

/** Why a refund through M-Pesa failed, in plain words (a code we do not know: a general word). */
export function refundFailureReason(refund) {
  return t(REFUND_REASON_KEYS[refund?.result_code] ?? 'sales.refund_why.unknown')
}
