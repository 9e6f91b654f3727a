/**
 * What went wrong, in the user's language. api.js keeps English fallbacks (the service worker
 * has no catalogue); screens show errors through `errorText`, which words the status and the
 * kind of failure from the catalogue and adds the server's own detail and field errors.
 */
import { t } from './i18n/index.js'

const STATUS_KEYS = {
  400: 'errors.details_wrong',
  401: 'errors.log_in_again',
  403: 'errors.not_allowed',
  404: 'errors.not_found',
  408: 'errors.too_slow_server',
  409: 'errors.already_done',
  413: 'errors.too_big',
  422: 'errors.details_wrong',
  429: 'errors.too_many',
}

/** Words for an error thrown by api.json (or any Error). */
export function errorText(error) {
  if (error?.kind === 'network') return t('errors.network')
  if (error?.kind === 'timeout') return t('errors.timeout')
  if (error?.status) return problemText(error.problem, error.status, error.retryAfter)
  return error?.words ?? error?.message ?? t('errors.unknown')
}

/** A problem+json body (or nothing) from a refused request, as lines of plain words. */
export function problemText(problem, status, retryAfter = null) {
  const main = STATUS_KEYS[status]
    ? t(STATUS_KEYS[status])
    : status >= 500
      ? t('errors.server')
      : t('errors.status', { status })
  const lines = [main]
  if (problem?.detail && status !== 401) lines.push(problem.detail)
  for (const [field, messages] of Object.entries(problem?.errors ?? {})) {
    lines.push(`${field.replace(/[_.]+/g, ' ').trim()}: ${[].concat(messages).join(' ')}`)
  }
  const seconds = Number(retryAfter)
  if (status === 429 && Number.isFinite(seconds) && seconds > 0) {
    lines.push(
      seconds < 90
        ? t('errors.wait_seconds', { count: Math.ceil(seconds) })
        : t('errors.wait_minutes', { count: Math.ceil(seconds / 60) }),
    )
  }
  return lines.join('\n')
}

/** An error whose words are already in the user's language (a check made on the phone). */
export function plainError(words) {
  return Object.assign(new Error(words), { words })
}
