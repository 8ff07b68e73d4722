// The zod schemas of what the API takes and answers: routes validate their
// input with them, and the OpenAPI document is generated from them. They
// describe the shapes of dto.ts; the API tests parse every answer with the
// matching schema (strict objects: a field added to one and not the other
// fails), so the document cannot drift from what the routes send.

import { z } from '@hono/zod-openapi'

// --- shared pieces -----------------------------------------------------------------------

export const ErrorSchema = z
  .strictObject({
    status: z.number().int().openapi({ example: 400 }),
    error: z.string().openapi({ example: "prefix: '10.0.0.300/8' is not a prefix such as 192.0.2.0/24" }),
  })
  .openapi('Error')

export const errorResponses = {
  400: {
    description: 'Invalid input: the reason is in `error`',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  429: {
    description: 'Too many requests from this address',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const

export const storageErrorResponses = {
  ...errorResponses,
  503: {
    description: 'Storage is off or unavailable',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const

const Time = z.string().openapi({ description: 'ISO 8601, UTC', example: '2024-05-01T12:00:00.000Z' })
const TimeParam = (description: string) =>
  z
    .string()
    .optional()
    .openapi({ description: `${description}: Unix seconds or ISO 8601`, example: '2024-05-01T12:00:00Z' })
const Cursor = z.string().optional().openapi({ description: 'Where the previous page ended (its `cursor`)' })
const Limit = (dflt: number) =>
  z
    .string()
    .optional()
    .openapi({ description: `Results per page (default ${dflt}, at most api-max-results)` })
const Family = z.string().optional().openapi({ description: 'A family name', example: 'ipv4-unicast' })
const Peer = z.string().optional().openapi({ description: "A peer's address", example: '192.0.2.10' })

export const params = { Time: TimeParam, Cursor, Limit, Family, Peer }

// --- collector and peers -------------------------------------------------------------------

export const CollectorSchema = z
  .strictObject({
    name: z.string(),
    version: z.string(),
    asn: z.number().int(),
    routerId: z.string(),
    startedAt: Time,
    uptime: z.number().int(),
    peers: z.strictObject({ up: z.number().int(), total: z.number().int() }),
    paths: z.number().int(),
    prefixes: z.number().int(),
    families: z.array(
      z.strictObject({ family: z.string(), paths: z.number().int(), prefixes: z.number().int() }),
    ),
    messagesPerSecond: z.number(),
    messagesReceived: z.number().int(),
    storage: z.strictObject({ enabled: z.boolean(), connected: z.boolean().optional() }),
  })
  .openapi('Collector')

const FamilySchema = z.strictObject({
  paths: z.number().int(),
  prefixes: z.number().int(),
  stale: z.number().int(),
  endOfRib: Time.optional(),
})

export const PeerSchema = z
  .strictObject({
    address: z.string(),
    asn: z.number().int().nullable(),
    configuredAsn: z.union([z.number().int(), z.literal('any')]),
    localAsn: z.number().int(),
    description: z.string().optional(),
    matchedPrefix: z.string().optional(),
    state: z.enum(['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established']),
    stateSince: Time,
    uptime: z.number().int().optional(),
    establishedAt: Time.optional(),
    routerId: z.string().optional(),
    hostname: z.string().optional(),
    softwareVersion: z.string().optional(),
    remotePort: z.number().int().optional(),
    localAddress: z.string().optional(),
    localPort: z.number().int().optional(),
    holdTime: z.number().int().optional(),
    keepaliveTime: z.number().int().optional(),
    families: z.record(z.string(), FamilySchema),
    negotiated: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'What the session negotiated' }),
    capabilities: z.strictObject({
      sent: z.array(z.record(z.string(), z.unknown())),
      received: z.array(z.record(z.string(), z.unknown())),
    }),
    counters: z
      .strictObject({
        messagesReceived: z.record(z.string(), z.number()),
        messagesSent: z.record(z.string(), z.number()),
        announced: z.number().int(),
        withdrawn: z.number().int(),
        establishedCount: z.number().int(),
        problems: z.record(z.string(), z.record(z.string(), z.number())),
        disabledFamilies: z.array(z.string()),
        refusedConnections: z.number().int(),
      })
      .openapi({
        description: 'Messages by type, paths announced and withdrawn, RFC 7606 problems by action and kind',
      }),
    gracefulRestart: z.record(z.string(), z.unknown()).optional(),
    lastError: z
      .strictObject({
        at: Time,
        direction: z.enum(['sent', 'received', 'local']),
        reason: z.string(),
        notification: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  })
  .openapi('Peer')

export const PeersResponseSchema = z.strictObject({ peers: z.array(PeerSchema) }).openapi('Peers')

// --- routes ----------------------------------------------------------------------------------

const SegmentSchema = z.strictObject({
  type: z.enum(['AS_SET', 'AS_SEQUENCE', 'AS_CONFED_SEQUENCE', 'AS_CONFED_SET']),
  asns: z.array(z.number().int()),
})

export const RouteSchema = z
  .strictObject({
    peer: z.string(),
    peerAsn: z.number().int().nullable(),
    family: z.string(),
    key: z.string(),
    prefix: z.string().optional(),
    rd: z.string().optional(),
    pathId: z.number().int().optional(),
    nlri: z
      .unknown()
      .optional()
      .openapi({ description: 'The NLRI as decoded, for families other than unicast/multicast' }),
    nextHop: z.array(z.string()),
    asPath: z.string().openapi({ example: '64500 64501 {64502,64503}' }),
    asPathSegments: z.array(SegmentSchema),
    originAsn: z.number().int().optional(),
    origin: z.enum(['igp', 'egp', 'incomplete']).optional(),
    med: z.number().int().optional(),
    localPref: z.number().int().optional(),
    atomicAggregate: z.boolean(),
    aggregator: z.strictObject({ asn: z.number().int(), address: z.string() }).optional(),
    communities: z.array(z.string()),
    extendedCommunities: z.array(z.string()),
    ipv6ExtendedCommunities: z.array(z.string()),
    largeCommunities: z.array(z.string()),
    originatorId: z.string().optional(),
    clusterList: z.array(z.string()).optional(),
    otc: z.number().int().optional(),
    aigp: z.string().optional(),
    otherAttributes: z.array(z.unknown()),
    stale: z.boolean(),
    llgrStale: z.boolean(),
    since: Time.optional().openapi({ description: 'When the path was last announced (from storage)' }),
    age: z.number().int().optional().openapi({ description: 'Seconds since `since`' }),
  })
  .openapi('Route')

export const EntrySchema = z
  .strictObject({
    family: z.string(),
    key: z.string(),
    prefix: z.string().optional(),
    rd: z.string().optional(),
    routes: z.array(RouteSchema),
  })
  .openapi('RibEntry')

export const LookupResponseSchema = z
  .strictObject({
    family: z.string(),
    match: z.enum(['exact', 'longest', 'more', 'less']),
    prefix: z.string(),
    entries: z.array(EntrySchema),
    cursor: z.string().optional(),
  })
  .openapi('Lookup')

export const PeerRoutesResponseSchema = z
  .strictObject({
    peer: z.string(),
    family: z.string().optional(),
    routes: z.array(RouteSchema),
    cursor: z.string().optional(),
  })
  .openapi('PeerRoutes')

export const SearchResponseSchema = z
  .strictObject({
    criteria: z.record(z.string(), z.string()),
    routes: z.array(RouteSchema),
    scanned: z.number().int(),
    cursor: z.string().optional(),
  })
  .openapi('Search')

// --- history ---------------------------------------------------------------------------------

const storedRouteShape = {
  time: Time,
  collector: z.string(),
  peer: z.string(),
  peerAsn: z.number().int(),
  family: z.string(),
  prefix: z.string(),
  pathId: z.number().int(),
  rd: z.string(),
  nextHop: z.array(z.string()),
  asPath: z.array(z.number().int()),
  originAsn: z.number().int(),
  origin: z.string(),
  med: z.number().int().nullable(),
  localPref: z.number().int().nullable(),
  communities: z.array(z.string()),
  largeCommunities: z.array(z.string()),
  extendedCommunities: z.array(z.string()),
}

export const StoredRouteSchema = z.strictObject(storedRouteShape).openapi('StoredRoute')

export const PathChangeSchema = z
  .strictObject({ ...storedRouteShape, action: z.enum(['announce', 'withdraw']), sequence: z.number().int() })
  .openapi('PathChange')

export const PrefixHistoryResponseSchema = z
  .strictObject({
    prefix: z.string(),
    from: Time.optional(),
    to: Time.optional(),
    changes: z.array(PathChangeSchema),
    cursor: z.string().optional(),
  })
  .openapi('PrefixHistory')

export const RibAtResponseSchema = z
  .strictObject({
    at: Time,
    prefix: z.string().optional(),
    match: z.enum(['exact', 'more', 'less']).optional(),
    peer: z.string().optional(),
    routes: z.array(StoredRouteSchema),
    cursor: z.string().optional(),
  })
  .openapi('RibAt')

export const OriginChangesResponseSchema = z
  .strictObject({
    prefix: z.string(),
    changes: z.array(
      z.strictObject({
        time: Time,
        collector: z.string(),
        peer: z.string(),
        prefix: z.string(),
        previousOrigin: z.number().int(),
        origin: z.number().int(),
      }),
    ),
    cursor: z.string().optional(),
  })
  .openapi('OriginChanges')

export const MoasResponseSchema = z
  .strictObject({
    prefixes: z.array(
      z.strictObject({
        prefix: z.string(),
        origins: z.array(z.number().int()),
        peers: z.number().int(),
        firstSeen: Time,
        lastSeen: Time,
      }),
    ),
    cursor: z.string().optional(),
  })
  .openapi('Moas')

// --- statistics, SQL, health ---------------------------------------------------------------------

export const StatsResponseSchema = z
  .strictObject({
    from: Time,
    to: Time,
    step: z.number().int().openapi({ description: 'Seconds per point (60 by default)' }),
    series: z.array(
      z.strictObject({
        label: z.string(),
        metric: z.enum(['updates', 'announcements', 'withdrawals', 'messages']),
        peer: z.string().optional(),
      }),
    ),
    data: z.array(z.array(z.number())).openapi({
      description: "uPlot's data: [minutes (Unix seconds), then one array per series]",
      example: [
        [1714564800, 1714564860],
        [12, 7],
        [3, 0],
      ],
    }),
  })
  .openapi('Stats')

export const SqlRequestSchema = z
  .strictObject({
    query: z.string().min(1).max(100_000).openapi({
      example: "SELECT family, count() AS n FROM updates WHERE action = 'announce' GROUP BY family",
    }),
  })
  .openapi('SqlRequest')

export const SqlResponseSchema = z
  .object({
    meta: z.array(z.strictObject({ name: z.string(), type: z.string() })),
    data: z.array(z.record(z.string(), z.unknown())),
    rows: z.number().int(),
    rows_before_limit_at_least: z.number().int().optional(),
    statistics: z.strictObject({ elapsed: z.number(), rows_read: z.number(), bytes_read: z.number() }),
  })
  .openapi('SqlResult', { description: "ClickHouse's JSON output format" })

export const MrtFilesResponseSchema = z
  .strictObject({
    files: z.array(
      z.strictObject({
        path: z.string().openapi({ example: '2024.05/updates.20240501.1200.gz' }),
        kind: z.enum(['updates', 'bview']),
        time: Time,
        size: z.number().int(),
        modified: Time,
        url: z.string(),
      }),
    ),
  })
  .openapi('MrtFiles')

export const HealthResponseSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    uptime: z.number().int(),
    peers: z.strictObject({ up: z.number().int(), total: z.number().int() }),
    storage: z
      .strictObject({
        running: z.boolean(),
        connected: z.boolean(),
        spooledBatches: z.number().int(),
        lastError: z.string().optional(),
      })
      .optional(),
  })
  .openapi('Health')
