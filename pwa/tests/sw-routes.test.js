import { describe, expect, it } from 'vitest'
import { clearApiCaches, isLive, isProducts, isStatic, markCachedPlugin, withHeaders } from '../src/sw-routes.js'

const ORIGIN = 'https://tomtin.example'
const req = (path, method = 'GET', origin = ORIGIN) => ({ url: new URL(path, origin), request: { method } })

describe('service worker routes', () => {
  it('serves product lists stale-while-revalidate', () => {
    expect(isProducts(req('/api/inventory/businesses/water/products'), ORIGIN)).toBe(true)
    expect(isLive(req('/api/inventory/businesses/water/products'), ORIGIN)).toBe(false)
  })

  it('serves stock, reports and payments network-first', () => {
    for (const path of [
      '/api/inventory/businesses/water/stock',
      '/api/inventory/businesses/water/stock-movements',
      '/api/reports/businesses/all/today',
      '/api/payments/businesses/laundry/sales',
      '/api/payments/payments/ws_CO_1',
    ]) {
      expect(isLive(req(path), ORIGIN), path).toBe(true)
    }
  })

  it('never caches non-GET, /api/auth/*, delta requests or other origins', () => {
    expect(isLive(req('/api/payments/businesses/water/sales', 'POST'), ORIGIN)).toBe(false)
    expect(isProducts(req('/api/inventory/businesses/water/products', 'PUT'), ORIGIN)).toBe(false)
    for (const path of ['/api/auth/me', '/api/auth/login']) {
      expect(isLive(req(path), ORIGIN) || isProducts(req(path), ORIGIN) || isStatic(req(path), ORIGIN)).toBe(false)
    }
    expect(isProducts(req('/api/inventory/businesses/water/products?changed_since=2026-11-25T08:00:00Z'), ORIGIN)).toBe(
      false,
    )
    expect(isLive(req('/api/reports/x', 'GET', 'https://evil.example'), ORIGIN)).toBe(false)
  })

  it('serves built assets and icons cache-first, not API or webhooks', () => {
    expect(isStatic(req('/assets/index-abc123.js'), ORIGIN)).toBe(true)
    expect(isStatic(req('/icon-192.png'), ORIGIN)).toBe(true)
    expect(isStatic(req('/api/reports/export.css'), ORIGIN)).toBe(false)
    expect(isStatic(req('/hooks/mpesa/secret/x.js'), ORIGIN)).toBe(false)
  })

  it('stamps stored responses and marks cached answers for the poller', async () => {
    const plugin = markCachedPlugin('fallback', () => 1234)
    const stored = await plugin.cacheWillUpdate({
      response: new Response('{"a":1}', { status: 200, headers: { ETag: '"e"' } }),
    })
    expect(stored.headers.get('X-Tomtin-Stored-At')).toBe('1234')
    expect(stored.headers.get('ETag')).toBe('"e"')
    expect(await plugin.cacheWillUpdate({ response: new Response(null, { status: 304 }) })).toBeNull()
    const used = await plugin.cachedResponseWillBeUsed({ cachedResponse: stored })
    expect(used.headers.get('X-Tomtin-Source')).toBe('fallback')
    expect(await used.json()).toEqual({ a: 1 })
    expect(await plugin.cachedResponseWillBeUsed({ cachedResponse: undefined })).toBeUndefined()
    expect(withHeaders(new Response('x', { status: 201 }), { A: 'b' }).status).toBe(201)
  })

  it('deletes only API caches on logout', async () => {
    const names = new Set(['tomtin-api-products', 'tomtin-api-live', 'tomtin-static', 'workbox-precache-v2'])
    const storage = { keys: async () => [...names], delete: async (name) => names.delete(name) }
    expect(await clearApiCaches(storage)).toEqual(['tomtin-api-products', 'tomtin-api-live'])
    expect([...names]).toEqual(['tomtin-static', 'workbox-precache-v2'])
  })
})
