// The API over real HTTP, end to end: the collector's own listener (CORS,
// compression, the OpenAPI document), and a second listener on the same
// collector with a rate limit, hit from two client addresses. Also: an
// unexpected failure answers 500 without a stack trace, and the OpenAPI
// document validates and lists every public path.

import { writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MrtFilesResponse } from '../../collector/src/api/index.ts'
import { createApi } from '../../collector/src/api/index.ts'
import { LookupResponseSchema, MrtFilesResponseSchema } from '../../collector/src/api/schemas.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { bgpdump } from './expected.ts'
import { type ApiFixture, apiWith, startApiFixture, until } from './fixture.ts'

const testdata = requireTestdata('api http')
let f: ApiFixture

beforeAll(async () => {
  if (!testdata) return
  f = await startApiFixture(testdata, { mrtDump: true })
}, 240_000)
afterAll(async () => {
  await f?.stop()
})

/** GET over node:http from a chosen local address; status, headers and body text (not decompressed). */
function get(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe.runIf(testdata)('the API over HTTP', () => {
  it('answers lookups over the network as in-process, compressed when the client accepts it', async () => {
    const path = '/api/v1/lookup?prefix=202.0.0.0/8&match=more&limit=100&age=false'
    const plain = await get(`${f.base}${path}`)
    expect([plain.status, plain.headers['content-encoding']]).toEqual([200, undefined])
    const body = LookupResponseSchema.parse(JSON.parse(plain.body.toString()))
    expect(body).toEqual(await (await f.collector.api.request(path)).json())
    const gz = await get(`${f.base}${path}`, { headers: { 'accept-encoding': 'gzip' } })
    expect([gz.status, gz.headers['content-encoding'], gz.headers.vary]).toEqual([
      200,
      'gzip',
      'Accept-Encoding, Origin',
    ])
    expect(gz.body.length).toBeLessThan(plain.body.length / 3)
    const { gunzipSync } = await import('node:zlib')
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(body)
  })

  it('CORS: the configured origin is allowed (preflight too), another is not', async () => {
    const pre = await get(`${f.base}/api/v1/sql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://lg.example.net',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect([
      pre.status,
      pre.headers['access-control-allow-origin'],
      pre.headers['access-control-allow-methods'],
    ]).toEqual([204, 'https://lg.example.net', 'GET,POST,OPTIONS'])
    const ok = await get(`${f.base}/api/v1/collector`, { headers: { origin: 'https://lg.example.net' } })
    expect(ok.headers['access-control-allow-origin']).toBe('https://lg.example.net')
    const other = await get(`${f.base}/api/v1/collector`, { headers: { origin: 'https://evil.example' } })
    expect([other.status, other.headers['access-control-allow-origin']]).toEqual([200, undefined])
  })

  it('rate-limits each client address on its own, answering 429 with Retry-After; probes are not limited', async () => {
    const app = apiWith(f.collector, { rateLimit: 60 })
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise<void>((r) => server.once('listening', () => r()))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      // 60 a minute: a burst of 10, then one a second.
      const statuses: number[] = []
      for (let i = 0; i < 12; i++)
        statuses.push((await get(`${base}/api/v1/collector`, { localAddress: '127.0.0.2' })).status)
      expect(statuses).toEqual([...new Array(10).fill(200), 429, 429])
      const refused = await get(`${base}/api/v1/collector`, { localAddress: '127.0.0.2' })
      expect([refused.status, refused.headers['retry-after'], JSON.parse(refused.body.toString())]).toEqual([
        429,
        '1',
        { status: 429, error: 'rate limit: at most 60 requests a minute per address' },
      ])
      expect((await get(`${base}/api/v1/collector`, { localAddress: '127.0.0.3' })).status).toBe(200)
      expect((await get(`${base}/healthz`, { localAddress: '127.0.0.2' })).status).toBe(200)
      expect((await get(`${base}/metrics`, { localAddress: '127.0.0.2' })).status).toBe(200)
      const metrics = (await get(`${base}/metrics`)).body.toString()
      expect(metrics.split('\n')).toContain('routelake_http_rate_limited_total 3')
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
  })

  it('serves the OpenAPI document generated from the routes; it validates and lists every public path', async () => {
    const res = await fetch(`${f.base}/api/v1/openapi.json`)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    const result = await new Validator().validate(doc as never)
    expect([result.valid, result.errors]).toEqual([true, undefined])
    expect(Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops)]))).toEqual({
      '/api/v1/collector': ['get'],
      '/api/v1/peers': ['get'],
      '/api/v1/peers/{peer}': ['get'],
      '/api/v1/peers/{peer}/routes': ['get'],
      '/api/v1/lookup': ['get'],
      '/api/v1/search': ['get'],
      '/api/v1/history/prefix': ['get'],
      '/api/v1/history/rib': ['get'],
      '/api/v1/history/origins': ['get'],
      '/api/v1/history/moas': ['get'],
      '/api/v1/stats': ['get'],
      '/api/v1/stats/paths': ['get'],
      '/api/v1/sql': ['post'],
      '/api/v1/mrt/updates': ['get'],
      '/api/v1/mrt/rib': ['get'],
      '/api/v1/mrt/files': ['get'],
      '/api/v1/mrt/files/{month}/{name}': ['get'],
      '/metrics': ['get'],
      '/healthz': ['get'],
    })
    expect(doc.openapi).toBe('3.0.3')
  })

  it('lists the MRT dump files and serves them (bgpdump reads one downloaded over HTTP)', async () => {
    f.collector.mrtDump!.rotateUpdates()
    await f.collector.mrtDump!.dumpRib()
    let listed: MrtFilesResponse = { files: [] }
    await until('both files published', async () => {
      listed = MrtFilesResponseSchema.parse(await (await fetch(`${f.base}/api/v1/mrt/files`)).json())
      return new Set(listed.files.map((x) => x.kind)).size === 2
    })
    for (const x of listed.files) {
      expect(x.url).toBe(`/api/v1/mrt/files/${x.path}`)
      expect(x.path).toMatch(/^\d{4}\.\d{2}\/(updates|bview)\.\d{8}\.\d{4}\.gz$/)
    }
    const bview = listed.files.find((x) => x.kind === 'bview')!
    const res = await fetch(`${f.base}${bview.url}`)
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-disposition')]).toEqual([
      200,
      'application/gzip',
      `attachment; filename="${bview.path.split('/')[1]}"`,
    ])
    const file = join(f.dir, 'downloaded.gz')
    writeFileSync(file, Buffer.from(await res.arrayBuffer()))
    expect(bgpdump(file).length).toBe(
      f.collector.rib
        .stats()
        .families.filter((x) => x.family.endsWith('-unicast'))
        .reduce((n, x) => n + x.paths, 0),
    )
    expect((await fetch(`${f.base}/api/v1/mrt/files/2024.01/passwd`)).status).toBe(404)
    expect((await fetch(`${f.base}/api/v1/mrt/files/..%2F..%2Fetc/passwd`)).status).toBe(404)
  })

  it('an unexpected failure is a 500 without a stack trace; the log has it', async () => {
    const logger = memoryLogger('debug')
    const app = createApi({
      peers: () => {
        throw new Error('the sessions are on fire')
      },
      now: () => Date.now(),
      logger,
    })
    const res = await app.request('/api/v1/peers')
    expect([res.status, await res.json()]).toEqual([500, { status: 500, error: 'internal error' }])
    expect(logger.lines.some((l) => l.includes('the sessions are on fire') && l.includes('peers.ts'))).toBe(
      true,
    )
    // Without storage, the routes that need it say so.
    const history = await app.request('/api/v1/history/prefix?prefix=10.0.0.0/8')
    expect([history.status, await history.json()]).toEqual([
      503,
      { status: 503, error: 'storage is off (storage: off): history, SQL and MRT export need ClickHouse' },
    ])
  })
})
