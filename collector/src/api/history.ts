// History from storage (ClickHouse), through storage/queries.ts:
//
//   GET /api/v1/history/prefix   a prefix's path changes (announce, withdraw) over a time range, per peer
//   GET /api/v1/history/rib      the routes for a prefix (exact, more, less), or of one peer, at time T
//   GET /api/v1/history/origins  announcements of a prefix whose origin AS changed
//   GET /api/v1/history/moas     prefixes announced with more than one origin AS in a time range
//
// Pages: the queries are ordered, so a cursor is the number of rows already
// given; each page asks for that many more plus one (to know if more follow).

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import {
  type HistoryRow,
  moas,
  originChanges,
  type PrefixMatch,
  peerRibAt,
  prefixHistory,
  type Route,
  routesAt,
} from '../storage/queries.ts'
import { type ApiContext, needStorage } from './deps.ts'
import type {
  MoasResponse,
  OriginChangesResponse,
  PathChangeDto,
  PrefixHistoryResponse,
  RibAtResponse,
  StoredRouteDto,
} from './dto.ts'
import { badRequest, storageError } from './errors.ts'
import {
  decodeCursor,
  encodeCursor,
  isOffset,
  isoMicros,
  optionalTime,
  parseAddressParam,
  parseFamilyParam,
  parseLimit,
  parsePrefixParam,
  timeRange,
} from './params.ts'
import {
  MoasResponseSchema,
  OriginChangesResponseSchema,
  PrefixHistoryResponseSchema,
  params,
  RibAtResponseSchema,
  storageErrorResponses,
} from './schemas.ts'

/** Rows a page may reach down to (offset + limit): deeper pages are refused. */
const MAX_DEPTH = 10_000_000

export function storedRouteDto(r: Route): StoredRouteDto {
  return {
    time: isoMicros(r.timestamp),
    collector: r.collector,
    peer: r.peer,
    peerAsn: r.peerAsn,
    family: r.family,
    prefix: r.prefix,
    pathId: r.pathId,
    rd: r.rd,
    nextHop: r.nextHop,
    asPath: r.asPath,
    originAsn: r.originAsn,
    origin: r.origin,
    med: r.med,
    localPref: r.localPref,
    communities: r.communities,
    largeCommunities: r.largeCommunities,
    extendedCommunities: r.extendedCommunities,
  }
}

function pathChangeDto(r: HistoryRow): PathChangeDto {
  return { ...storedRouteDto(r), action: r.action, sequence: r.sequence }
}

const MATCH: Record<'exact' | 'more' | 'less', PrefixMatch> = {
  exact: 'exact',
  more: 'more-specific',
  less: 'less-specific',
}

/** A page of an ordered query: the offset from the cursor, and how many rows to ask for. */
function page(kind: string, cursor: string | undefined, limit: number): { offset: number; ask: number } {
  const offset = cursor === undefined ? 0 : decodeCursor(kind, cursor, isOffset)
  if (offset + limit + 1 > MAX_DEPTH)
    throw badRequest(`cursor: pages reach at most ${MAX_DEPTH} rows deep; narrow the query`)
  return { offset, ask: offset + limit + 1 }
}

function slice<T>(
  kind: string,
  rows: readonly T[],
  offset: number,
  limit: number,
): { rows: T[]; cursor?: string } {
  const out = rows.slice(offset, offset + limit)
  return rows.length > offset + limit
    ? { rows: out, cursor: encodeCursor(kind, offset + limit) }
    : { rows: out }
}

async function ask<T>(p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    throw storageError(e)
  }
}

/** A GET route of this file: its query, and the JSON answer's description and schema. */
function historyRoute<Q extends z.ZodObject, S extends z.ZodType>(
  path: string,
  summary: string,
  query: Q,
  description: string,
  schema: S,
) {
  return createRoute({
    method: 'get',
    path,
    tags: ['history'],
    summary,
    request: { query },
    responses: {
      200: { description, content: { 'application/json': { schema } } },
      ...storageErrorResponses,
    },
  })
}

const prefixRoute = historyRoute(
  '/api/v1/history/prefix',
  "A prefix's path changes over a time range, per peer (oldest first)",
  z.object({
    prefix: z.string().openapi({ example: '193.0.0.0/21' }),
    from: params.Time('Start'),
    to: params.Time('End'),
    peer: params.Peer,
    limit: params.Limit(1000),
    cursor: params.Cursor,
  }),
  'Announcements and withdrawals',
  PrefixHistoryResponseSchema,
)

const ribRoute = historyRoute(
  '/api/v1/history/rib',
  'The routes at time T: for a prefix (exact, more- or less-specific) across peers, or all of one peer',
  z.object({
    at: params.Time('The time (default now)'),
    prefix: z.string().optional().openapi({ example: '193.0.0.0/21' }),
    match: z
      .enum(['exact', 'more', 'less'])
      .optional()
      .openapi({ description: 'With prefix (default exact)' }),
    peer: params.Peer,
    family: params.Family.openapi({ description: 'With peer and no prefix: one family' }),
    limit: params.Limit(1000),
    cursor: params.Cursor,
  }),
  'Routes as they were at T',
  RibAtResponseSchema,
)

const originsRoute = historyRoute(
  '/api/v1/history/origins',
  'Origin AS changes of a prefix (and, with match, of its more- or less-specifics) over a time range',
  z.object({
    prefix: z.string().openapi({ example: '193.0.0.0/21' }),
    match: z.enum(['exact', 'more', 'less']).optional(),
    from: params.Time('Start'),
    to: params.Time('End'),
    peer: params.Peer,
    limit: params.Limit(1000),
    cursor: params.Cursor,
  }),
  'Origin changes',
  OriginChangesResponseSchema,
)

const moasRoute = historyRoute(
  '/api/v1/history/moas',
  'Prefixes announced with more than one origin AS (MOAS) in a time range',
  z.object({
    prefix: z.string().optional().openapi({ description: 'Only this prefix and its more-specifics' }),
    from: params.Time('Start'),
    to: params.Time('End'),
    peer: params.Peer,
    limit: params.Limit(1000),
    cursor: params.Cursor,
  }),
  'MOAS prefixes',
  MoasResponseSchema,
)

/** What the range queries share: the time range and peer as query filters, and the page. */
function rangeQuery(
  kind: string,
  q: { from?: string; to?: string; peer?: string; limit?: string; cursor?: string },
  max: number,
): {
  filter: { from?: number; to?: number; peer?: string }
  range: { from?: number; to?: number }
  limit: number
  offset: number
  ask: number
} {
  const range = timeRange(q.from, q.to)
  const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
  const limit = parseLimit(q.limit, 1000, max)
  const { offset, ask } = page(kind, q.cursor, limit)
  const filter = {
    ...(range.from !== undefined ? { from: range.from } : {}),
    ...(range.to !== undefined ? { to: range.to } : {}),
    ...(peer ? { peer } : {}),
  }
  return { filter, range, limit, offset, ask }
}

export function registerHistory(app: OpenAPIHono, ctx: ApiContext): void {
  const max = () => ctx.settings.maxResults

  app.openapi(prefixRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const p = parsePrefixParam('prefix', q.prefix)
    const { filter, range, limit, offset, ask: n } = rangeQuery('history', q, max())
    const rows = await ask(prefixHistory(storage, { prefix: p.prefix, limit: n, ...filter }))
    const s = slice('history', rows, offset, limit)
    const body: PrefixHistoryResponse = {
      prefix: p.prefix,
      ...(range.from !== undefined ? { from: isoMicros(range.from) } : {}),
      ...(range.to !== undefined ? { to: isoMicros(range.to) } : {}),
      changes: s.rows.map(pathChangeDto),
      ...(s.cursor ? { cursor: s.cursor } : {}),
    }
    return c.json(body as never, 200)
  })

  app.openapi(ribRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const at = optionalTime('at', q.at) ?? ctx.deps.now() * 1000
    const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
    const limit = parseLimit(q.limit, 1000, max())
    const { offset, ask: n } = page('rib', q.cursor, limit)
    let rows: Route[]
    let prefix: string | undefined
    if (q.prefix !== undefined) {
      if (q.family !== undefined)
        throw badRequest('family: only with peer and no prefix (the prefix tells the family)')
      prefix = parsePrefixParam('prefix', q.prefix).prefix
      rows = await ask(
        routesAt(storage, {
          prefix,
          match: MATCH[q.match ?? 'exact'],
          at,
          limit: n,
          ...(peer ? { peer } : {}),
        }),
      )
    } else if (peer !== undefined) {
      if (q.match !== undefined) throw badRequest('match: only with prefix')
      const family = q.family === undefined ? undefined : parseFamilyParam('family', q.family)
      rows = await ask(peerRibAt(storage, { peer, at, limit: n, ...(family ? { family } : {}) }))
    } else throw badRequest('give prefix (routes of every peer for it) or peer (its whole table)')
    const s = slice('rib', rows, offset, limit)
    const body: RibAtResponse = {
      at: isoMicros(at),
      ...(prefix ? { prefix, match: q.match ?? 'exact' } : {}),
      ...(peer ? { peer } : {}),
      routes: s.rows.map(storedRouteDto),
      ...(s.cursor ? { cursor: s.cursor } : {}),
    }
    return c.json(body as never, 200)
  })

  app.openapi(originsRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const p = parsePrefixParam('prefix', q.prefix)
    const { filter, limit, offset, ask: n } = rangeQuery('origins', q, max())
    const rows = await ask(
      originChanges(storage, { prefix: p.prefix, match: MATCH[q.match ?? 'exact'], limit: n, ...filter }),
    )
    const s = slice('origins', rows, offset, limit)
    const body: OriginChangesResponse = {
      prefix: p.prefix,
      changes: s.rows.map((r) => ({
        time: isoMicros(r.timestamp),
        collector: r.collector,
        peer: r.peer,
        prefix: r.prefix,
        previousOrigin: r.previousOrigin,
        origin: r.origin,
      })),
      ...(s.cursor ? { cursor: s.cursor } : {}),
    }
    return c.json(body as never, 200)
  })

  app.openapi(moasRoute, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const prefix = q.prefix === undefined ? undefined : parsePrefixParam('prefix', q.prefix).prefix
    const { filter, limit, offset, ask: n } = rangeQuery('moas', q, max())
    const rows = await ask(moas(storage, { limit: n, ...(prefix ? { prefix } : {}), ...filter }))
    const s = slice('moas', rows, offset, limit)
    const body: MoasResponse = {
      prefixes: s.rows.map((r) => ({
        prefix: r.prefix,
        origins: r.origins,
        peers: r.peers,
        firstSeen: isoMicros(r.firstSeen),
        lastSeen: isoMicros(r.lastSeen),
      })),
      ...(s.cursor ? { cursor: s.cursor } : {}),
    }
    return c.json(body as never, 200)
  })
}
