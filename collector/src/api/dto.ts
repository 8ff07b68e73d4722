// The JSON the HTTP API answers with, as plain types: the web UI type-imports
// this file (`import type … from '…/api/dto.ts'`), so it imports types only.
// Times are ISO 8601 text in UTC (microseconds where the source has them);
// families are named as in DESIGN.md ("ipv4-unicast", "l2vpn-evpn", …).
// The OpenAPI document (GET /api/v1/openapi.json) describes the same shapes
// from the zod schemas in schemas.ts; the tests check every answer against them.

import type { AsPathSegment, Capability, NotificationMessage, Origin } from '../bgp/index.ts'
import type { PeerView } from '../session/index.ts'
import type { Route } from '../storage/queries.ts'

/** Every error: the HTTP status again and the reason in words (never a stack trace). */
export interface ErrorDto {
  readonly status: number
  readonly error: string
}

// --- collector and peers -------------------------------------------------------------

export interface CollectorDto {
  /** The collector's name (`host` in the config, RIS Live's `host`). */
  readonly name: string
  readonly version: string
  readonly asn: number
  readonly routerId: string
  readonly startedAt: string
  /** Seconds since the collector started. */
  readonly uptime: number
  readonly peers: { readonly up: number; readonly total: number }
  /** Paths and distinct prefixes (keys) held in the Adj-RIB-In over all peers and families. */
  readonly paths: number
  readonly prefixes: number
  readonly families: readonly { readonly family: string; readonly paths: number; readonly prefixes: number }[]
  /** BGP messages received per second, over about the last minute. */
  readonly messagesPerSecond: number
  readonly messagesReceived: number
  readonly storage: { readonly enabled: boolean; readonly connected?: boolean }
}

export type PeerStateName = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established'

export interface FamilyDto {
  /** Paths received and held (after RFC 7606 treat-as-withdraw; the collector accepts every valid path). */
  readonly paths: number
  readonly prefixes: number
  /** Paths kept through a graceful restart, not refreshed yet. */
  readonly stale: number
  /** When this session's End-of-RIB for the family arrived. */
  readonly endOfRib?: string
}

export interface PeerDto {
  readonly address: string
  /** The peer's AS (from its OPEN, else as configured; null for `any` before an OPEN). */
  readonly asn: number | null
  readonly configuredAsn: number | 'any'
  readonly localAsn: number
  readonly description?: string
  /** The prefix range the peer was admitted by (dynamic neighbours). */
  readonly matchedPrefix?: string
  readonly state: PeerStateName
  readonly stateSince: string
  /** Seconds since the session was established (established peers only). */
  readonly uptime?: number
  readonly establishedAt?: string
  readonly routerId?: string
  readonly hostname?: string
  readonly softwareVersion?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
  readonly holdTime?: number
  readonly keepaliveTime?: number
  readonly families: Readonly<Record<string, FamilyDto>>
  readonly negotiated?: PeerView['negotiated']
  /** Both OPENs' capabilities, as decoded (docs/json.md). */
  readonly capabilities: { readonly sent: readonly Capability[]; readonly received: readonly Capability[] }
  readonly counters: PeerView['counters']
  readonly gracefulRestart?: PeerView['gracefulRestart']
  readonly lastError?: {
    readonly at: string
    readonly direction: 'sent' | 'received' | 'local'
    readonly reason: string
    readonly notification?: NotificationMessage
  }
}

export interface PeersResponse {
  readonly peers: readonly PeerDto[]
}

// --- routes from the Adj-RIB-In ------------------------------------------------------

/** One path of one peer, with its attributes decoded. */
export interface RouteDto {
  /** The peer's address. */
  readonly peer: string
  readonly peerAsn: number | null
  readonly family: string
  /** The route's identity in its family: the prefix, "RD prefix" for VPN, the codec's key otherwise. */
  readonly key: string
  readonly prefix?: string
  readonly rd?: string
  /** RFC 7911 path identifier, when the peer sent one. */
  readonly pathId?: number
  /** The NLRI as decoded (docs/json.md), for families other than plain unicast and multicast. */
  readonly nlri?: unknown
  readonly nextHop: readonly string[]
  /** The effective AS path as text: ASNs separated by spaces, an AS_SET as {a,b}. */
  readonly asPath: string
  readonly asPathSegments: readonly AsPathSegment[]
  /** The last ASN when the path ends in an AS_SEQUENCE. */
  readonly originAsn?: number
  readonly origin?: Origin
  readonly med?: number
  readonly localPref?: number
  readonly atomicAggregate: boolean
  readonly aggregator?: { readonly asn: number; readonly address: string }
  readonly communities: readonly string[]
  readonly extendedCommunities: readonly string[]
  readonly ipv6ExtendedCommunities: readonly string[]
  readonly largeCommunities: readonly string[]
  readonly originatorId?: string
  readonly clusterList?: readonly string[]
  readonly otc?: number
  /** AIGP metric (64 bits, as a decimal string). */
  readonly aigp?: string
  /** Every other attribute, as decoded (docs/json.md). */
  readonly otherAttributes: readonly unknown[]
  /** Kept through a graceful restart (RFC 4724), not refreshed yet. */
  readonly stale: boolean
  /** Kept as LLGR_STALE (RFC 9494). */
  readonly llgrStale: boolean
  /** When the peer last announced this path (from storage; absent when storage cannot tell). */
  readonly since?: string
  /** Seconds since `since`. */
  readonly age?: number
}

/** Every path for one key of one family, all peers (or the peer asked for). */
export interface RibEntryDto {
  readonly family: string
  readonly key: string
  readonly prefix?: string
  readonly rd?: string
  readonly routes: readonly RouteDto[]
}

export type LookupMatch = 'exact' | 'longest' | 'more' | 'less'

export interface LookupResponse {
  readonly family: string
  readonly match: LookupMatch
  /** The prefix looked up (an address as a host prefix for exact, more and less). */
  readonly prefix: string
  readonly entries: readonly RibEntryDto[]
  /** More entries follow: pass this back as `cursor`. */
  readonly cursor?: string
}

export interface PeerRoutesResponse {
  readonly peer: string
  readonly family?: string
  readonly routes: readonly RouteDto[]
  readonly cursor?: string
}

export interface SearchResponse {
  /** The criteria, as understood (normalised). */
  readonly criteria: Readonly<Record<string, string>>
  readonly routes: readonly RouteDto[]
  /** Paths examined by this request. */
  readonly scanned: number
  /** More of the RIB is left to search: pass this back as `cursor` (a page may hold fewer routes than asked). */
  readonly cursor?: string
}

// --- history (ClickHouse) --------------------------------------------------------------

/** A stored route as the API writes it: the query's row with its time as ISO 8601. */
export type StoredRouteDto = Omit<Route, 'timestamp'> & { readonly time: string }

export interface PathChangeDto extends StoredRouteDto {
  readonly action: 'announce' | 'withdraw'
  readonly sequence: number
}

export interface PrefixHistoryResponse {
  readonly prefix: string
  readonly from?: string
  readonly to?: string
  readonly changes: readonly PathChangeDto[]
  readonly cursor?: string
}

export interface RibAtResponse {
  readonly at: string
  readonly prefix?: string
  readonly match?: 'exact' | 'more' | 'less'
  readonly peer?: string
  readonly routes: readonly StoredRouteDto[]
  readonly cursor?: string
}

export interface OriginChangeDto {
  readonly time: string
  readonly collector: string
  readonly peer: string
  readonly prefix: string
  readonly previousOrigin: number
  readonly origin: number
}

export interface OriginChangesResponse {
  readonly prefix: string
  readonly changes: readonly OriginChangeDto[]
  readonly cursor?: string
}

export interface MoasDto {
  readonly prefix: string
  readonly origins: readonly number[]
  readonly peers: number
  readonly firstSeen: string
  readonly lastSeen: string
}

export interface MoasResponse {
  readonly prefixes: readonly MoasDto[]
  readonly cursor?: string
}

// --- statistics ------------------------------------------------------------------------

/** One series of a StatsResponse after the time axis. */
export interface StatsSeriesDto {
  readonly label: string
  readonly metric: 'updates' | 'announcements' | 'withdrawals' | 'messages'
  /** The peer the series counts; absent for totals. */
  readonly peer?: string
}

/**
 * Per-minute (or coarser) counts in uPlot's shape: `data[0]` is the times (Unix seconds),
 * `data[i]` the values of `series[i - 1]`, every array as long as `data[0]`.
 */
export interface StatsResponse {
  readonly from: string
  readonly to: string
  /** Seconds per point: 60, or a coarser step asked for. */
  readonly step: number
  readonly series: readonly StatsSeriesDto[]
  readonly data: readonly (readonly number[])[]
}

// --- SQL -------------------------------------------------------------------------------

/** ClickHouse's JSON output format, as ClickHouse writes it. */
export interface SqlResponse {
  readonly meta: readonly { readonly name: string; readonly type: string }[]
  readonly data: readonly Record<string, unknown>[]
  readonly rows: number
  readonly rows_before_limit_at_least?: number
  readonly statistics: { readonly elapsed: number; readonly rows_read: number; readonly bytes_read: number }
}

// --- MRT dump files ------------------------------------------------------------------

export interface MrtFileDto {
  /** Under the dump directory: "2024.05/updates.20240501.1200.gz". */
  readonly path: string
  readonly kind: 'updates' | 'bview'
  /** What the name says: the interval's start (updates) or the dump's time (bview). */
  readonly time: string
  readonly size: number
  /** When the file was completed. */
  readonly modified: string
  /** Where to download it. */
  readonly url: string
}

export interface MrtFilesResponse {
  readonly files: readonly MrtFileDto[]
}

// --- health ----------------------------------------------------------------------------

export interface HealthResponse {
  /** ok: everything works; degraded: serving, but storage is unavailable or behind. */
  readonly status: 'ok' | 'degraded'
  readonly uptime: number
  readonly peers: { readonly up: number; readonly total: number }
  readonly storage?: {
    readonly running: boolean
    readonly connected: boolean
    readonly spooledBatches: number
    readonly lastError?: string
  }
}
