// The web UI's static serving (collector/src/api/web.ts) on the API app:
// content types and cache headers, gzip, ETags, the shell for client-side
// routes, 404s for missing assets, and the API's own 404 left alone.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { createApi } from '../../collector/src/api/index.ts'

const root = mkdtempSync(join(tmpdir(), 'routelake-web-static-'))
const INDEX =
  '<!doctype html><title>Routelake</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>'
const SCRIPT = `export const views = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `view-${i}`))}\n`
const CSS = 'body{margin:0}\n'
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
mkdirSync(join(root, 'assets'))
writeFileSync(join(root, 'index.html'), INDEX)
writeFileSync(join(root, 'assets', 'index-Ab12Cd34.js'), SCRIPT)
writeFileSync(join(root, 'assets', 'index-Ef56Gh78.css'), CSS)
writeFileSync(join(root, 'favicon.svg'), ICON)
afterAll(() => rmSync(root, { recursive: true, force: true }))

const app = createApi({ peers: () => [], now: () => Date.now(), webRoot: root, settings: { rateLimit: 0 } })

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await app.request(path, { method, headers })
  const body = Buffer.from(await res.arrayBuffer())
  const h = (name: string) => res.headers.get(name)
  return { status: res.status, body, h }
}

describe('the web UI served by the API', () => {
  it('serves the shell at / with no-cache, an ETag and a content security policy', async () => {
    const r = await get('/')
    expect([r.status, r.h('content-type'), r.h('cache-control'), r.body.toString()]).toEqual([
      200,
      'text/html; charset=utf-8',
      'no-cache',
      INDEX,
    ])
    expect(r.h('etag')).toMatch(/^"[\w-]{22}"$/)
    expect(r.h('content-security-policy')).toContain("script-src 'self'")
    expect(r.h('x-content-type-options')).toBe('nosniff')
    const again = await get('/', { 'if-none-match': r.h('etag')! })
    expect([again.status, again.body.length]).toEqual([304, 0])
    expect((await get('/index.html')).body.toString()).toBe(INDEX)
  })

  it('serves hashed assets with their content type, cached for a year, gzip when accepted', async () => {
    const js = await get('/assets/index-Ab12Cd34.js')
    expect([
      js.status,
      js.h('content-type'),
      js.h('cache-control'),
      js.h('content-encoding'),
      js.body.toString(),
    ]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable', null, SCRIPT])
    const gz = await get('/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, br' })
    expect([gz.h('content-encoding'), gz.h('vary'), Number(gz.h('content-length'))]).toEqual([
      'gzip',
      'Accept-Encoding',
      gz.body.length,
    ])
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT)
    const css = await get('/assets/index-Ef56Gh78.css', { 'accept-encoding': 'gzip' })
    // Under 1 KiB: not worth compressing.
    expect([css.h('content-type'), css.h('content-encoding'), css.body.toString()]).toEqual([
      'text/css; charset=utf-8',
      null,
      CSS,
    ])
    const icon = await get('/favicon.svg')
    expect([icon.h('content-type'), icon.h('cache-control'), icon.body.toString()]).toEqual([
      'image/svg+xml',
      'public, max-age=3600',
      ICON,
    ])
    const head = await get('/assets/index-Ab12Cd34.js', {}, 'HEAD')
    expect([head.status, head.h('content-length'), head.body.length]).toEqual([200, String(SCRIPT.length), 0])
  })

  it('answers client-side routes with the shell, and missing assets with 404', async () => {
    for (const path of [
      '/lookup?q=193.0.0.0/21&match=more',
      '/peers/192.0.2.1',
      '/peers/2001:db8::1',
      '/sql',
    ]) {
      const r = await get(path)
      expect([path, r.status, r.h('content-type'), r.body.toString()]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
        INDEX,
      ])
    }
    for (const path of ['/assets/index-Old0000.js', '/assets/gone', '/missing.css', '/favicon.ico']) {
      const r = await get(path)
      expect([path, r.status, JSON.parse(r.body.toString())]).toEqual([
        path,
        404,
        { status: 404, error: `no route GET ${path}` },
      ])
    }
  })

  it('leaves the API alone: unknown API paths are its JSON 404, its routes still answer', async () => {
    for (const path of ['/api/v1/nope', '/api', '/v1/nope', '/api/v1/peers/x/y/z']) {
      const r = await get(path)
      expect([path, r.status, r.h('content-type'), JSON.parse(r.body.toString())]).toEqual([
        path,
        404,
        'application/json; charset=utf-8',
        { status: 404, error: `no route GET ${path}` },
      ])
    }
    const peers = await get('/api/v1/peers')
    expect([peers.status, JSON.parse(peers.body.toString())]).toEqual([200, { peers: [] }])
    expect((await get('/healthz')).status).toBe(200)
    expect((await get('/metrics')).h('content-type')).toMatch(/^text\/plain/)
    expect((await get('/', {}, 'POST')).status).toBe(404)
  })

  it('never serves a file outside its folder', async () => {
    writeFileSync(join(root, '..', 'routelake-web-secret.txt'), 'the contents of a file outside')
    try {
      for (const path of [
        '/../routelake-web-secret.txt',
        '/%2e%2e/routelake-web-secret.txt',
        '/assets/..%2f..%2froutelake-web-secret.txt',
        '/assets%5c..%5c..%5croutelake-web-secret.txt',
      ]) {
        const r = await get(path)
        expect([path, r.status, r.body.toString().includes('contents of a file')]).toEqual([path, 404, false])
      }
    } finally {
      rmSync(join(root, '..', 'routelake-web-secret.txt'), { force: true })
    }
  })

  it('says how to build the UI when it is not built', async () => {
    const bare = createApi({ peers: () => [], now: () => Date.now(), webRoot: join(root, 'nothing-here') })
    const res = await bare.request('/lookup')
    expect([res.status, await res.text()]).toEqual([
      404,
      'The web UI is not built: run `npm run build:web` (or `npm start`, which builds it). The API is at /api/v1/.\n',
    ])
    expect((await bare.request('/api/v1/peers')).status).toBe(200)
  })
})
