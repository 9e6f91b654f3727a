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
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
}
const BUSINESSES = [
  { code: 'water', name: 'Water Refills' },
  { code: 'laundry', name: 'Laundry' },
  { code: 'retail', name: 'Retail Shop' },
]
const user = {
  id: 1,
  username: 'owner',
  display_name: 'Amina (owner)',
  role: 'owner',
  language: 'en',
  businesses: BUSINESSES,
}
const started = new Date().toISOString()

function problem(res, status, title, detail) {
  send(
    res,
    status,
    { type: 'about:blank', title, status, detail, request_id: `mock-${Date.now()}` },
    'application/problem+json',
  )
}

function send(res, status, body, type = 'application/json', headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers })
  res.end(body == null ? undefined : JSON.stringify(body))
}

/** A pollable GET: strong ETag over the data, 304 on If-None-Match, as_of in the body. */
function pollable(req, res, data) {
  const etag = `"${createHash('sha1').update(JSON.stringify(data)).digest('hex').slice(0, 16)}"`
  if (req.headers['if-none-match'] === etag) return send(res, 304, null, undefined, { ETag: etag })
  send(res, 200, { ...data, as_of: new Date().toISOString() }, 'application/json', {
    ETag: etag,
    'Cache-Control': 'private, no-cache',
  })
}

function api(req, res, url) {
  const path = url.pathname
  if (path === '/api/auth/me/language' && req.method === 'PUT') {
    return readJson(req).then((body) => {
      if (!['en', 'sw'].includes(body?.language)) return problem(res, 422, 'Invalid input', 'language: choose en or sw')
      user.language = body.language
      send(res, 200, user)
    })
  }
  if (path === '/api/auth/login' && req.method === 'POST') {
    return send(res, 200, { token: 'mock-token', token_type: 'Bearer', expires_at: '2099-01-01T00:00:00Z', user })
  }
  if (req.headers.authorization !== 'Bearer mock-token') return problem(res, 401, 'Unauthorized', 'Please log in.')
  if (path === '/api/auth/logout') return send(res, 204, null)
  if (path === '/api/auth/me') return send(res, 200, user)
  if (req.method === 'POST') return post(req, res, path)
  const payment = /^\/api\/payments\/mpesa\/(\d+)$/.exec(path)
  if (payment) return mpesaStatus(req, res, Number(payment[1]))
  const report = /^\/api\/reports\/businesses\/(\w+)\/reports\/(\w[\w-]*)$/.exec(path)
  if (report) return revenueReport(req, res, url)
  const match = /^\/api\/(inventory|payments|reports)\/businesses\/(\w+)\/(products|stock|sales|today)$/.exec(path)
  if (!match) return problem(res, 404, 'Not Found', 'No such resource.')
  const [, , code, what] = match
  const seed = BUSINESSES.findIndex((b) => b.code === code) + 1
  if (what === 'products' || what === 'stock') {
    return pollable(req, res, {
      items: Array.from({ length: 4 + seed }, (_, i) => ({
        id: seed * 100 + i,
        business: code,
        sku: `S${i}`,
        name: `Item ${i}`,
        unit: 'each',
        price: '50.00',
        track_stock: true,
        stock_level: '12.000',
        reorder_level: i === 1 ? '20.000' : '2.000',
        low: i === 1,
        active: i !== 0,
      })),
    })
  }
  if (what === 'sales') {
    const made = Array.from({ length: seed * 2 }, (_, i) => ({
      id: seed * 1000 + i,
      reference: `TT${seed * 1000 + i}`,
      business: code,
      total: '150.00',
      method: i % 2 ? 'mpesa' : 'cash',
      status: 'paid',
      order_status: code === 'laundry' ? ORDER_FLOW[i % 4] : null,
      created_at: started,
      lines: [],
    }))
    return pollable(req, res, { items: [...made, ...sales.filter((x) => x.business === code)] })
  }
  return pollable(req, res, {
    business: code,
    business_day: started.slice(0, 10),
    revenue: `${1234 * seed}.50`,
    sales_count: seed * 2,
    cash: `${1000 * seed}.00`,
    mpesa: `${234 * seed}.50`,
    pending_mpesa: 1,
    needs_review_mpesa: 0,
    low_stock_count: 1,
    laundry_orders: { received: 2, washing: 1, drying: 0, ready: 1 },
  })
}

const ORDER_FLOW = ['received', 'washing', 'drying', 'ready', 'collected']
const sales = []
const payments = []

async function readJson(req) {
  let body = ''
  for await (const chunk of req) body += chunk
  try {
    return JSON.parse(body || '{}')
  } catch {
    return null
  }
}

/** Sales (recorded at once), M-Pesa pushes (paid 6 s later), order steps, stock movements. */
async function post(req, res, path) {
  let body = ''
  for await (const chunk of req) body += chunk
  const data = JSON.parse(body || '{}')
  const newSale = /^\/api\/payments\/businesses\/(\w+)\/sales$/.exec(path)
  if (newSale) {
    const key = req.headers['idempotency-key']
    const earlier = sales.find((s) => s.key === key)
    if (earlier) return send(res, 201, earlier)
    const id = 9000 + sales.length
    const total = `${50 * data.lines.length}.00`
    const sale = {
      id,
      key,
      reference: `TT${id}`,
      business: newSale[1],
      method: data.method,
      status: data.method === 'cash' ? 'paid' : 'pending',
      order_status: newSale[1] === 'laundry' ? 'received' : null,
      total,
      created_at: new Date().toISOString(),
      lines: [],
    }
    sales.push(sale)
    return send(res, 201, sale)
  }
  const push = /^\/api\/payments\/sales\/(\d+)\/stk-push$/.exec(path)
  if (push) {
    const sale = sales.find((s) => s.id === Number(push[1]))
    const made = {
      id: payments.length + 1,
      sale_id: sale?.id,
      status: 'pending',
      amount: sale?.total ?? '0.00',
      phone: data.phone,
      at: Date.now(),
    }
    payments.push(made)
    return send(res, 201, made)
  }
  const step = /^\/api\/payments\/sales\/(\d+)\/order-status$/.exec(path)
  if (step) return send(res, 200, { id: Number(step[1]), order_status: data.status })
  if (/\/movements$/.test(path)) return send(res, 201, { id: Date.now(), ...data })
  return problem(res, 404, 'Not Found', 'No such resource.')
}

function mpesaStatus(req, res, id) {
  const found = payments.find((p) => p.id === id)
  if (!found) return problem(res, 404, 'Not Found', `No payment ${id}.`)
  const paid = Date.now() - found.at > 6_000
  const status = paid ? 'paid' : 'pending'
  pollable(req, res, { ...found, status, receipt: paid ? 'MOCK123ABC' : null, poll_after_ms: paid ? 15_000 : 2_500 })
}

function revenueReport(req, res, url) {
  const first = new Date(`${url.searchParams.get('from')}T00:00:00Z`)
  const last = new Date(`${url.searchParams.get('to')}T00:00:00Z`)
  const rows = []
  for (let d = first; d <= last; d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10)
    rows.push({
      day,
      revenue: `${(d.getUTCDate() * 137) % 2000}.00`,
      sales_count: d.getUTCDate(),
      cash: '0.00',
      mpesa: '0.00',
    })
  }
  if (url.searchParams.get('format') === 'csv') {
    res.writeHead(200, { 'Content-Type': 'text/csv' })
    return res.end(['day,revenue,sales_count,cash,mpesa', ...rows.map((r) => Object.values(r).join(','))].join('\n'))
  }
  pollable(req, res, { rows })
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
