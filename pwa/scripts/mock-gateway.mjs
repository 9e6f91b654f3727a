// A stand-in for the gateway, for trying the built app without the services:
// serves dist/ like Nginx does and answers the API contract with made-up data.
// `npm run build && npm run mock`, then open http://127.0.0.1:4173 (user "owner", any password).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const PORT = Number(process.env.PORT ?? 4173)
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.webmanifest': 'application/manifest+json' }
const BUSINESSES = [
  { code: 'water', name: 'Water Refills' },
  { code: 'laundry', name: 'Laundry' },
  { code: 'retail', name: 'Retail Shop' },
]
const user = { id: 1, username: 'owner', display_name: 'Amina (owner)', role: 'owner', businesses: BUSINESSES }
const started = new Date().toISOString()

function problem(res, status, title, detail) {
  send(res, status, { type: 'about:blank', title, status, detail, request_id: `mock-${Date.now()}` }, 'application/problem+json')
}

function send(res, status, body, type = 'application/json', headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers })
  res.end(body == null ? undefined : JSON.stringify(body))
}

/** A pollable GET: strong ETag over the data, 304 on If-None-Match, as_of in the body. */
function pollable(req, res, data) {
  const etag = `"${createHash('sha1').update(JSON.stringify(data)).digest('hex').slice(0, 16)}"`
  if (req.headers['if-none-match'] === etag) return send(res, 304, null, undefined, { ETag: etag })
  send(res, 200, { ...data, as_of: new Date().toISOString() }, 'application/json', { ETag: etag, 'Cache-Control': 'private, no-cache' })
}

function api(req, res, url) {
  const path = url.pathname
  if (path === '/api/auth/login' && req.method === 'POST') {
    return send(res, 200, { token: 'mock-token', token_type: 'Bearer', expires_at: '2099-01-01T00:00:00Z', user })
  }
  if (req.headers.authorization !== 'Bearer mock-token') return problem(res, 401, 'Unauthorized', 'Please log in.')
  if (path === '/api/auth/logout') return send(res, 204, null)
  if (path === '/api/auth/me') return send(res, 200, user)
  const match = /^\/api\/(inventory|payments|reports)\/businesses\/(\w+)\/(products|sales|today)$/.exec(path)
  if (!match) return problem(res, 404, 'Not Found', 'No such resource.')
  const [, , code, what] = match
  const seed = BUSINESSES.findIndex((b) => b.code === code) + 1
  if (what === 'products') {
    return pollable(req, res, {
      items: Array.from({ length: 4 + seed }, (_, i) => ({ id: seed * 100 + i, business: code, sku: `S${i}`, name: `Item ${i}`, unit: 'each', price: '50.00', track_stock: true, stock_level: '12.000', reorder_level: '2.000', active: i !== 0 })),
    })
  }
  if (what === 'sales') {
    return pollable(req, res, {
      items: Array.from({ length: seed * 2 }, (_, i) => ({ id: seed * 1000 + i, business: code, total: '150.00', method: i % 2 ? 'mpesa' : 'cash', status: 'PAID', created_at: started, lines: [] })),
    })
  }
  return pollable(req, res, { business: code, business_day: started.slice(0, 10), revenue: `${1234 * seed}.50`, sales_count: seed * 2, cash: `${1000 * seed}.00`, mpesa: `${234 * seed}.50` })
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost')
  if (url.pathname.startsWith('/api/')) return api(req, res, url)
  const file = normalize(join(DIST, url.pathname === '/' ? 'index.html' : url.pathname))
  try {
    const body = await readFile(file.startsWith(DIST) ? file : DIST + 'index.html')
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(body)
  } catch {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(await readFile(DIST + 'index.html'))
  }
}).listen(PORT, '127.0.0.1', () => console.log(`tomtin mock gateway on http://127.0.0.1:${PORT}`))
