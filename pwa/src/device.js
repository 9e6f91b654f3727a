/**
 * This phone's own id, made once and kept: each sale it records carries it, so the owner can
 * tell which phone a sale came from (the sale's detail shows it). Not a secret, not tracking:
 * a random id that a cleared browser simply replaces.
 */
const KEY = 'tomtin.device'

export function deviceId(storage = globalThis.localStorage) {
  let id = storage?.getItem(KEY)
  if (!/^[A-Za-z0-9-]{4,40}$/.test(id ?? '')) {
    id = `phone-${randomPart()}`
    storage?.setItem(KEY, id)
  }
  return id
}

/** Six letters/digits: enough to tell a shop's few phones apart, short enough to read out. */
function randomPart() {
  const bytes = new Uint8Array(6)
  globalThis.crypto.getRandomValues(bytes)
  return [...bytes].map((b) => 'abcdefghjkmnpqrstuvwxyz23456789'[b % 31]).join('')
}
