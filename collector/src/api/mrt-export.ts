// MRT export on demand, streamed as gzip MRT that bgpdump, bgpkit and
// BGPStream read, named as RIPE RIS names its files:
//
//   GET /api/v1/mrt/updates?from=…&to=…[&peer=…][&prefix=…&match=…]   updates.YYYYMMDD.HHMM.gz
//   GET /api/v1/mrt/rib?at=…[&peer=…]                                  bview.YYYYMMDD.HHMM.gz
//
// The records are generated from the stored raw messages (mrt-source.ts).
// Parameters are checked and the peers found before the answer starts; then
// the body streams, and a client that goes away stops the export.

import { PassThrough, Readable } from 'node:stream'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { PrefixMatch } from '../storage/queries.ts'
import { type ApiContext, needStorage } from './deps.ts'
import { ApiError, badRequest, storageError } from './errors.ts'
import {
  type Cancellation,
  type ExportStats,
  rebuildRib,
  storedPeers,
  writeRib,
  writeUpdates,
} from './mrt-source.ts'
import { optionalTime, parseAddressParam, parsePrefixParam } from './params.ts'
import { params, storageErrorResponses } from './schemas.ts'

/** RIS-style file name: `<kind>.YYYYMMDD.HHMM.gz` (UTC). */
export function risFileName(kind: 'updates' | 'bview', us: number): string {
  const d = new Date(Math.floor(us / 1000))
  const p = (n: number) => String(n).padStart(2, '0')
  return `${kind}.${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}.${p(d.getUTCHours())}${p(d.getUTCMinutes())}.gz`
}

const gzipBody = {
  description: 'gzip MRT, streamed',
  headers: z.object({
    'content-disposition': z.string().openapi({ example: 'attachment; filename="updates.20240501.1200.gz"' }),
  }),
  content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
}

const updatesRoute = createRoute({
  method: 'get',
  path: '/api/v1/mrt/updates',
  tags: ['mrt'],
  summary: 'The messages received in a time range as an MRT updates file (BGP4MP_ET, gzip)',
  request: {
    query: z.object({
      from: z
        .string()
        .openapi({ description: 'Start: Unix seconds or ISO 8601', example: '2024-05-01T12:00:00Z' }),
      to: params.Time('End (default now)'),
      peer: params.Peer,
      prefix: z
        .string()
        .optional()
        .openapi({ description: 'Only messages announcing or withdrawing this prefix' }),
      match: z
        .enum(['exact', 'more', 'less'])
        .optional()
        .openapi({ description: 'With prefix (default exact)' }),
    }),
  },
  responses: { 200: gzipBody, ...storageErrorResponses },
})

const ribRoute = createRoute({
  method: 'get',
  path: '/api/v1/mrt/rib',
  tags: ['mrt'],
  summary: 'The routes at time T as an MRT RIB dump (TABLE_DUMP_V2, gzip), rebuilt from stored updates',
  request: {
    query: z.object({
      at: params.Time('The time (default now)'),
      peer: params.Peer,
    }),
  },
  responses: { 200: gzipBody, ...storageErrorResponses },
})

const MATCH: Record<'exact' | 'more' | 'less', PrefixMatch> = {
  exact: 'exact',
  more: 'more-specific',
  less: 'less-specific',
}

/** A body stream, and whether its reader went away before the end. */
function body(): { out: PassThrough; stream: ReadableStream; cancel: Cancellation } {
  const out = new PassThrough()
  let gone = false
  let wake: () => void = () => {}
  const whenGone = new Promise<void>((resolve) => {
    wake = resolve
  })
  const leave = () => {
    gone = true
    wake()
  }
  out.on('close', () => {
    if (!out.writableFinished) leave()
  })
  out.on('error', leave)
  return { out, stream: Readable.toWeb(out) as ReadableStream, cancel: { gone: () => gone, whenGone } }
}

function gzipResponse(stream: ReadableStream, name: string): Response {
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'application/gzip',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  })
}

/** RIB exports at once (each rebuilds a table in memory). */
export const MAX_RIB_EXPORTS = 2

export function registerMrtExport(app: OpenAPIHono, ctx: ApiContext): void {
  let ribExports = 0
  const log = ctx.deps.logger
  const done = (what: string, name: string, t0: number) => (s: ExportStats) =>
    log?.info('MRT export', { what, file: name, records: s.records, octets: s.bytes, ms: Date.now() - t0 })
  const failed = (what: string, out: PassThrough) => (e: unknown) => {
    log?.error('MRT export failed', { what, reason: (e as Error).message })
    out.destroy(e as Error)
  }

  app.openapi(updatesRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const from = optionalTime('from', q.from)
    if (from === undefined) throw badRequest('from: required (Unix seconds or ISO 8601)')
    const to = optionalTime('to', q.to) ?? ctx.deps.now() * 1000
    if (from > to) throw badRequest('from: is after to')
    const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
    if (q.match !== undefined && q.prefix === undefined) throw badRequest('match: only with prefix')
    const prefix =
      q.prefix === undefined
        ? undefined
        : { prefix: parsePrefixParam('prefix', q.prefix).prefix, match: MATCH[q.match ?? 'exact'] }
    let peers: Awaited<ReturnType<typeof storedPeers>>
    try {
      peers = await storedPeers(storage, { from, to }, peer)
    } catch (e) {
      throw storageError(e)
    }
    const name = risFileName('updates', from)
    const b = body()
    const local = new Map(ctx.deps.peers().map((v) => [v.address, v.localAddress]))
    writeUpdates(
      storage,
      peers,
      { from, to, ...(prefix ? { prefix } : {}) },
      b.out,
      (a) => local.get(a),
      b.cancel,
    ).then(done('updates', name, Date.now()), failed('updates', b.out))
    return gzipResponse(b.stream, name) as never
  })

  app.openapi(ribRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const at = optionalTime('at', q.at) ?? ctx.deps.now() * 1000
    const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
    // Each rebuild holds a table in memory: a few at a time.
    if (ribExports >= MAX_RIB_EXPORTS) {
      throw new ApiError(503, `${ribExports} RIB exports are running; try again when one is done`, {
        'retry-after': '30',
      })
    }
    // Asked now so that an unreachable store is a 503, not a broken download.
    try {
      await storage.query('SELECT 1')
    } catch (e) {
      throw storageError(e)
    }
    const name = risFileName('bview', at)
    const b = body()
    const routerId = ctx.deps.collector?.routerId ?? '0.0.0.0'
    const t0 = Date.now()
    ribExports++
    rebuildRib(storage, at, peer, b.cancel)
      .then((r) => writeRib(r, at, routerId, b.out, b.cancel))
      .then(done('rib', name, t0), failed('rib', b.out))
      .finally(() => {
        ribExports--
      })
    return gzipResponse(b.stream, name) as never
  })
}
