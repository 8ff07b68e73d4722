// What the API is built from: the parts of the collector it reads, handed in
// by the composition root (main.ts). Everything but the peers and the clock is
// optional, so a route whose part is missing answers 503 and says which.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { type ApiSettings, DEFAULT_API_SETTINGS } from '../config/config.ts'
import type { SubscriptionStats } from '../events/index.ts'
import type { Logger } from '../log/logger.ts'
import type { Rib } from '../rib/index.ts'
import type { PeerView, SessionsStats } from '../session/index.ts'
import type { ClickHouseSinkStats } from '../sinks/clickhouse/index.ts'
import type { Queryable } from '../storage/queries.ts'
import { ApiError } from './errors.ts'
import type { MrtFiles } from './mrt-files.ts'

export interface CollectorInfo {
  readonly name: string
  readonly version: string
  readonly asn: number
  readonly routerId: string
  /** Milliseconds since the epoch. */
  readonly startedAt: number
}

/** Storage as the API uses it: history queries, formatted results (SQL, MRT export), figures. */
export interface ApiStorage extends Queryable {
  /** The database holding Routelake's tables (SQL may name only it). */
  readonly database?: string
  /** A SELECT's result in a ClickHouse output format (JSON, CSVWithNames, RowBinary…), as octets. */
  queryFormatted(sql: string, format: string, params?: Readonly<Record<string, unknown>>): Promise<Uint8Array>
  /** The storage sink's figures (/metrics, /healthz); absent for a bare store (benchmarks). */
  stats?(): ClickHouseSinkStats
}

/** A sink's figures for /metrics: its queue on the bus and any numbers of its own. */
export interface SinkFigures {
  readonly name: string
  readonly queue?: SubscriptionStats
  /** Numeric figures, possibly nested (flattened into metric names). */
  readonly figures?: Readonly<Record<string, unknown>>
}

export interface ApiDeps {
  /** Every peer's current view, in a stable order. */
  readonly peers: () => readonly PeerView[]
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** GET /v1/stream/ (the live feed's HTTP stream), served on the node response directly. */
  readonly liveStream?: (incoming: IncomingMessage, outgoing: ServerResponse) => void
  readonly collector?: CollectorInfo
  readonly rib?: Rib
  readonly bus?: {
    stats(): { readonly published: number; readonly subscriptions: readonly SubscriptionStats[] }
  }
  readonly sessions?: { stats(): SessionsStats }
  readonly storage?: ApiStorage
  /** Figures of the sinks (live feed, exporters…) for /metrics. */
  readonly sinks?: () => readonly SinkFigures[]
  /** The MRT dump files the mrt-dump sink publishes (GET /api/v1/mrt/files). */
  readonly mrtFiles?: MrtFiles
  readonly settings?: Partial<ApiSettings>
  /** The built web UI served at `/` (default: web/dist of this checkout). */
  readonly webRoot?: string
  readonly logger?: Logger
}

/** What every route module gets: the deps, and the settings with their defaults filled in. */
export interface ApiContext {
  readonly deps: ApiDeps
  readonly settings: ApiSettings
}

export function apiContext(deps: ApiDeps): ApiContext {
  return { deps, settings: { ...DEFAULT_API_SETTINGS, ...deps.settings } }
}

export function needRib(ctx: ApiContext): Rib {
  const rib = ctx.deps.rib
  if (!rib) throw new ApiError(503, 'the route table is not available in this process')
  return rib
}

export function needStorage(ctx: ApiContext): ApiStorage {
  const s = ctx.deps.storage
  if (!s)
    throw new ApiError(503, 'storage is off (storage: off): history, SQL and MRT export need ClickHouse')
  return s
}
