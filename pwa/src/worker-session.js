/**
 * The part of the session the service worker needs to replay the outbox (it cannot read
 * localStorage): user id and token, kept in a small IndexedDB database.
 */
import { openDB } from 'idb'

const DB = 'tomtin-session'

function open() {
  return openDB(DB, 1, {
    upgrade(db) {
      db.createObjectStore('kv')
    },
  })
}

export async function saveWorkerSession({ userId, token }) {
  const db = await open()
  await db.put('kv', { userId, token }, 'session')
  db.close()
}

/** The signed-in user's id and token, or null. */
export async function readWorkerSession() {
  const db = await open()
  const session = (await db.get('kv', 'session')) ?? null
  db.close()
  return session
}

export async function clearWorkerSession() {
  const db = await open()
  await db.delete('kv', 'session')
  db.close()
}
