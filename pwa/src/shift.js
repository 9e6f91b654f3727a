/**
 * The shift open on this phone, per user and business. A cash sale carries its id, so a sale
 * that waits in the offline outbox past the close still counts in the shift it was made in
 * (the server then shows the close corrected).
 */
const PREFIX = 'tomtin.shift.'

function key(userId, business) {
  return `${PREFIX}${userId}.${business}`
}

/** The open shift's id, or null. */
export function openShiftId(userId, business) {
  const id = Number(globalThis.localStorage?.getItem(key(userId, business)))
  return Number.isInteger(id) && id > 0 ? id : null
}

/** Remember the open shift (or forget it: `id` null). */
export function rememberShift(userId, business, id) {
  if (id) globalThis.localStorage?.setItem(key(userId, business), String(id))
  else globalThis.localStorage?.removeItem(key(userId, business))
}

/** A sale body's shift field: `{shift_id}` while a shift is open on this phone, else nothing. */
export function shiftField(userId, business) {
  const id = openShiftId(userId, business)
  return id ? { shift_id: id } : {}
}
