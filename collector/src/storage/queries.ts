// History questions for the API, answered from the stored tables. Each is one
// parameterised SQL statement (values are bound, never spliced) whose WHERE
// clause starts with the columns the table is ordered by, so that ClickHouse
// reads a few granules per part instead of scanning (see schema/migrations):
//
//   prefixHistory   every update of a prefix (exact), per peer, over a time range
//   routesAt        the routes for a prefix (exact, more- or less-specific) at time T
//   peerRibAt       the RIB of one peer at time T
//   originChanges   announcements whose origin AS differs from the peer's previous one
//   moas            prefixes announced with more than one origin AS in a time range
//   minuteCounts    per-minute messages, announcements and withdrawals of peers
//
// Times are µs since the epoch, as on events. Addresses and prefixes come back
// in their own family: IPv4 ones as dotted quads, not IPv4-mapped IPv6.

import { formatIPv4, formatIPv6, parsePrefix } from '../wire/ip.ts'

/** Anything that runs a SELECT with bound parameters (the writer's channel, a Store). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]>
}

export type PrefixMatch = 'exact' | 'more-specific' | 'less-specific'

export interface TimeRange {
  /** µs since the epoch, inclusive; default: the beginning. */
  readonly from?: number
  /** µs since the epoch, inclusive; default: the end. */
  readonly to?: number
}

export interface PeerFilter {
  readonly collector?: string
  readonly peer?: string
}

export interface Route {
  readonly timestamp: number
  readonly collector: string
  readonly peer: string
  readonly peerAsn: number
  readonly family: string
  readonly prefix: string
  readonly pathId: number
  readonly rd: string
  readonly nextHop: readonly string[]
  readonly asPath: readonly number[]
  readonly originAsn: number
  readonly origin: string
  readonly med: number | null
  readonly localPref: number | null
  readonly communities: readonly string[]
  readonly largeCommunities: readonly string[]
  readonly extendedCommunities: readonly string[]
}

export interface HistoryRow extends Route {
  readonly action: 'announce' | 'withdraw'
  readonly sequence: number
}

export interface OriginChange {
  readonly timestamp: number
  readonly collector: string
  readonly peer: string
  readonly prefix: string
  readonly previousOrigin: number
  readonly origin: number
}

export interface MoasPrefix {
  readonly prefix: string
  readonly origins: readonly number[]
  readonly peers: number
  readonly firstSeen: number
  readonly lastSeen: number
}

export interface MinuteCount {
  /** The minute, seconds since the epoch. */
  readonly minute: number
  readonly collector: string
  readonly peer: string
  readonly peerAsn: number
  readonly messages: number
  readonly updates: number
  readonly bytes: number
  readonly announcements: number
  readonly withdrawals: number
}

export class QueryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'QueryError'
  }
}

const MAPPED = '::ffff:'

/** An address as stored (IPv6, IPv4 mapped) in its own family's text. */
export function displayAddress(stored: string): string {
  return stored.startsWith(MAPPED) && stored.includes('.') ? stored.slice(MAPPED.length) : stored
}

interface PrefixSql {
  readonly where: string
  readonly params: Record<string, unknown>
}

function mapped(b: Uint8Array): string {
  return b.length === 4 ? `${MAPPED}${formatIPv4(b)}` : formatIPv6(b)
}

function masked(address: Uint8Array, length: number, fill: 0 | 1): Uint8Array {
  const out = new Uint8Array(address)
  for (let bit = length; bit < out.length * 8; bit++) {
    if (fill) out[bit >> 3]! |= 0x80 >> (bit & 7)
    else out[bit >> 3]! &= ~(0x80 >> (bit & 7))
  }
  return out
}

/** The WHERE condition on (prefix, prefix_length) for a prefix question. */
export function prefixCondition(prefix: string, match: PrefixMatch): PrefixSql {
  const p = parsePrefix(prefix)
  if (!p) throw new QueryError(`'${prefix}' is not a prefix`)
  const width = p.address.length * 8
  const net = masked(p.address, p.length, 0)
  if (match === 'exact') {
    return {
      where: 'prefix = toIPv6({p_net:String}) AND prefix_length = {p_len:UInt8}',
      params: { p_net: mapped(net), p_len: p.length },
    }
  }
  if (match === 'more-specific') {
    const range = {
      where:
        'prefix BETWEEN toIPv6({p_net:String}) AND toIPv6({p_last:String}) AND prefix_length BETWEEN {p_len:UInt8} AND {p_max:UInt8}',
      params: {
        p_net: mapped(net),
        p_last: mapped(masked(p.address, p.length, 1)),
        p_len: p.length,
        p_max: width,
      },
    }
    // IPv4 prefixes are stored in ::ffff:0:0/96: an IPv6 range that covers it (::/0 … ::/80) leaves it out.
    if (width === 128 && p.length <= 80 && net.every((b) => b === 0)) {
      return {
        where: `${range.where} AND NOT (prefix BETWEEN toIPv6('::ffff:0.0.0.0') AND toIPv6('::ffff:255.255.255.255'))`,
        params: range.params,
      }
    }
    return range
  }
  // Less-specifics: the prefix itself and each of its supernets, one point in the index each.
  const candidates: string[] = []
  for (let l = 0; l <= p.length; l++) candidates.push(`${mapped(masked(p.address, l, 0))}/${l}`)
  return {
    where:
      "(prefix, prefix_length) IN (SELECT toIPv6(splitByChar('/', c)[1]), toUInt8(splitByChar('/', c)[2]) FROM (SELECT arrayJoin({p_cands:Array(String)}) AS c))",
    params: { p_cands: candidates },
  }
}

function timeCondition(range: TimeRange, column = 'time'): PrefixSql {
  const parts: string[] = []
  const params: Record<string, unknown> = {}
  if (range.from !== undefined) {
    parts.push(`${column} >= fromUnixTimestamp64Micro({t_from:Int64}, 'UTC')`)
    params.t_from = Math.round(range.from)
  }
  if (range.to !== undefined) {
    parts.push(`${column} <= fromUnixTimestamp64Micro({t_to:Int64}, 'UTC')`)
    params.t_to = Math.round(range.to)
  }
  return { where: parts.join(' AND '), params }
}

function peerCondition(f: PeerFilter): PrefixSql {
  const parts: string[] = []
  const params: Record<string, unknown> = {}
  if (f.collector !== undefined) {
    parts.push('collector = {f_collector:String}')
    params.f_collector = f.collector
  }
  if (f.peer !== undefined) {
    parts.push('peer_address = toIPv6({f_peer:String})')
    params.f_peer = f.peer
  }
  return { where: parts.join(' AND '), params }
}

function where(...conditions: PrefixSql[]): PrefixSql {
  const parts = conditions.map((c) => c.where).filter(Boolean)
  return {
    where: parts.length ? parts.join(' AND ') : '1',
    params: Object.assign({}, ...conditions.map((c) => c.params)),
  }
}

function limit(n: number | undefined, dflt: number): number {
  const v = n ?? dflt
  if (!Number.isInteger(v) || v < 1) throw new QueryError(`limit ${n} is not a positive whole number`)
  return v
}

const ROUTE_COLUMNS = `toUnixTimestamp64Micro(time) AS ts, collector, toString(peer_address) AS peer, peer_asn,
  family, toString(prefix) AS prefix_text, prefix_length, path_id, rd, next_hop, as_path, origin_asn,
  toString(origin) AS origin_text, med, local_pref, communities, large_communities, extended_communities`

interface RouteRow {
  ts: string
  collector: string
  peer: string
  peer_asn: number
  family: string
  prefix_text: string
  prefix_length: number
  path_id: number
  rd: string
  next_hop: string[]
  as_path: number[]
  origin_asn: number
  origin_text: string
  med: number | null
  local_pref: number | null
  communities: string[]
  large_communities: string[]
  extended_communities: string[]
}

function route(r: RouteRow): Route {
  return {
    timestamp: Number(r.ts),
    collector: r.collector,
    peer: displayAddress(r.peer),
    peerAsn: Number(r.peer_asn),
    family: r.family,
    prefix: `${displayAddress(r.prefix_text)}/${r.prefix_length}`,
    pathId: Number(r.path_id),
    rd: r.rd,
    nextHop: r.next_hop,
    asPath: r.as_path.map(Number),
    originAsn: Number(r.origin_asn),
    origin: r.origin_text,
    med: r.med === null ? null : Number(r.med),
    localPref: r.local_pref === null ? null : Number(r.local_pref),
    communities: r.communities,
    largeCommunities: r.large_communities,
    extendedCommunities: r.extended_communities,
  }
}

/** Every announcement and withdrawal of one prefix (exact), oldest first. */
export async function prefixHistory(
  q: Queryable,
  o: { readonly prefix: string; readonly limit?: number } & TimeRange & PeerFilter,
): Promise<HistoryRow[]> {
  const w = where(prefixCondition(o.prefix, 'exact'), peerCondition(o), timeCondition(o))
  const rows = await q.query<RouteRow & { action: string; sequence: string }>(
    `SELECT ${ROUTE_COLUMNS}, toString(action) AS action, sequence
     FROM updates WHERE ${w.where}
     ORDER BY time, collector, peer_address, sequence
     LIMIT ${limit(o.limit, 10_000)}`,
    w.params,
  )
  return rows.map((r) => ({
    ...route(r),
    action: r.action as 'announce' | 'withdraw',
    sequence: Number(r.sequence),
  }))
}

/**
 * The latest update of every route (peer, prefix, RD/key, path id) matching
 * the conditions at or before `at`, kept when it is an announcement of the
 * peer's session in force at `at`: the routes as the peers had them then.
 *
 * A session can end without withdrawals in `updates`: the collector stopped
 * or crashed, or it could not write the synthetic ones. So `peer_events`
 * decides what counts. For each peer, its latest state change at or before
 * `at`: when that is not Established (the session was down, or the collector
 * had restarted and was waiting for it), the peer had no routes; when it is,
 * only updates from that change on count, so routes of an earlier session
 * never stay "announced". A peer with no state change stored at all (updates
 * imported without sessions) is taken at its updates' word. While a
 * graceful-restart peer is away, the RIB keeps its routes stale; here the
 * peer has none until it is back and announces them again.
 *
 * `updates` is read through its primary index (the prefix or peer
 * conditions), grouped per route, and only that result is joined with the
 * per-peer session starts (`peer_events` is a few rows per session).
 */
async function stateAt(
  q: Queryable,
  w: PrefixSql,
  peers: PeerFilter,
  at: number | undefined,
  max: number,
): Promise<Route[]> {
  const t = at === undefined ? { where: '', params: {} } : timeCondition({ to: at })
  const all = where(w, t)
  const sessions = where(peerCondition(peers), t, { where: "event = 'state'", params: {} })
  // One row per route: the columns of its latest update (argMax, no sort of the whole input).
  const rows = await q.query<RouteRow>(
    `SELECT toUnixTimestamp64Micro(r.t) AS ts, r.collector AS collector, toString(r.peer_address) AS peer,
            r.peer_asn AS peer_asn, r.family AS family, toString(r.prefix) AS prefix_text,
            r.prefix_length AS prefix_length, r.path_id AS path_id, r.rd AS rd, r.next_hop AS next_hop,
            r.as_path AS as_path, r.origin_asn AS origin_asn, toString(r.origin) AS origin_text, r.med AS med,
            r.local_pref AS local_pref, r.communities AS communities, r.large_communities AS large_communities,
            r.extended_communities AS extended_communities
     FROM (
       SELECT collector, peer_address, prefix, prefix_length, path_id,
              s.1 AS t, s.2 AS peer_asn, s.3 AS family, s.4 AS rd, s.5 AS next_hop, s.6 AS as_path,
              s.7 AS origin_asn, s.8 AS origin, s.9 AS med, s.10 AS local_pref, s.11 AS communities,
              s.12 AS large_communities, s.13 AS extended_communities, s.14 AS action, s.15 AS seq
       FROM (
         SELECT collector, peer_address, prefix, prefix_length, nlri_key, path_id,
                argMax(tuple(time, peer_asn, family, rd, next_hop, as_path, origin_asn, origin, med, local_pref,
                             communities, large_communities, extended_communities, action, sequence),
                       (time, sequence)) AS s
         FROM updates WHERE ${all.where}
         GROUP BY collector, peer_address, prefix, prefix_length, nlri_key, path_id
       )
     ) AS r
     LEFT JOIN (
       SELECT collector, peer_address, toString(argMax(to_state, (time, sequence))) AS state,
              maxIf(time, to_state = 'Established') AS up_time,
              argMaxIf(sequence, (time, sequence), to_state = 'Established') AS up_sequence
       FROM peer_events WHERE ${sessions.where}
       GROUP BY collector, peer_address
     ) AS e ON r.collector = e.collector AND r.peer_address = e.peer_address
     WHERE r.action = 'announce'
       AND (e.state = '' OR (e.state = 'Established' AND (r.t, r.seq) >= (e.up_time, e.up_sequence)))
     ORDER BY r.prefix, r.prefix_length, r.collector, r.peer_address, r.path_id
     LIMIT ${max}`,
    { ...all.params, ...sessions.params },
  )
  return rows.map(route)
}

/** The routes for a prefix (and its more- or less-specifics) at time `at` (default: now), all peers. */
export function routesAt(
  q: Queryable,
  o: {
    readonly prefix: string
    readonly match?: PrefixMatch
    readonly at?: number
    readonly limit?: number
  } & PeerFilter,
): Promise<Route[]> {
  return stateAt(
    q,
    where(prefixCondition(o.prefix, o.match ?? 'exact'), peerCondition(o)),
    o,
    o.at,
    limit(o.limit, 100_000),
  )
}

/**
 * The RIB of one peer at time `at`: every route it had announced and not
 * withdrawn. The table is ordered by prefix, so this reads the peer's rows
 * of every part up to `at` — a table-sized read, meant for exports, not for
 * interactive lookups (the live RIB answers those).
 */
export function peerRibAt(
  q: Queryable,
  o: {
    readonly peer: string
    readonly collector?: string
    readonly at?: number
    readonly family?: string
    readonly limit?: number
  },
): Promise<Route[]> {
  const family =
    o.family === undefined
      ? { where: '', params: {} }
      : { where: 'family = {f_family:String}', params: { f_family: o.family } }
  return stateAt(q, where(peerCondition(o), family), o, o.at, limit(o.limit, 10_000_000))
}

/**
 * Announcements whose origin AS differs from the same peer's previous
 * announcement of the route; the previous one may be older than `from`.
 */
export async function originChanges(
  q: Queryable,
  o: { readonly prefix: string; readonly match?: PrefixMatch; readonly limit?: number } & TimeRange &
    PeerFilter,
): Promise<OriginChange[]> {
  const inner = where(
    prefixCondition(o.prefix, o.match ?? 'exact'),
    peerCondition(o),
    timeCondition({ to: o.to }),
    {
      where: "action = 'announce'",
      params: {},
    },
  )
  const outer = timeCondition({ from: o.from })
  const rows = await q.query<{
    ts: string
    collector: string
    peer: string
    prefix_text: string
    prefix_length: number
    previous: number
    origin_asn: number
  }>(
    `SELECT toUnixTimestamp64Micro(time) AS ts, collector, toString(peer_address) AS peer,
            toString(prefix) AS prefix_text, prefix_length, previous, origin_asn
     FROM (
       SELECT time, collector, peer_address, prefix, prefix_length, origin_asn, sequence,
              lagInFrame(origin_asn) OVER w AS previous,
              row_number() OVER w AS n
       FROM updates WHERE ${inner.where}
       WINDOW w AS (PARTITION BY collector, peer_address, prefix, prefix_length, nlri_key, path_id
                    ORDER BY time, sequence ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
     )
     WHERE n > 1 AND previous != origin_asn${outer.where ? ` AND ${outer.where}` : ''}
     ORDER BY time, collector, peer_address, sequence
     LIMIT ${limit(o.limit, 10_000)}`,
    { ...inner.params, ...outer.params },
  )
  return rows.map((r) => ({
    timestamp: Number(r.ts),
    collector: r.collector,
    peer: displayAddress(r.peer),
    prefix: `${displayAddress(r.prefix_text)}/${r.prefix_length}`,
    previousOrigin: Number(r.previous),
    origin: Number(r.origin_asn),
  }))
}

/** Prefixes announced with at least `minOrigins` (default 2) origin ASes between from and to. */
export async function moas(
  q: Queryable,
  o: {
    readonly prefix?: string
    readonly match?: PrefixMatch
    readonly minOrigins?: number
    readonly limit?: number
  } & TimeRange &
    PeerFilter,
): Promise<MoasPrefix[]> {
  const p =
    o.prefix === undefined ? { where: '', params: {} } : prefixCondition(o.prefix, o.match ?? 'more-specific')
  const w = where(p, peerCondition(o), timeCondition(o), {
    where: "action = 'announce' AND origin_asn != 0 AND prefix_length != 255",
    params: {},
  })
  const rows = await q.query<{
    prefix_text: string
    prefix_length: number
    origins: number[]
    peers: string
    first: string
    last: string
  }>(
    `SELECT toString(prefix) AS prefix_text, prefix_length, arraySort(groupUniqArray(origin_asn)) AS origins,
            uniqExact(collector, peer_address) AS peers,
            toUnixTimestamp64Micro(min(time)) AS first, toUnixTimestamp64Micro(max(time)) AS last
     FROM updates WHERE ${w.where}
     GROUP BY prefix, prefix_length
     HAVING length(origins) >= {m_min:UInt32}
     ORDER BY prefix, prefix_length
     LIMIT ${limit(o.limit, 10_000)}`,
    { ...w.params, m_min: o.minOrigins ?? 2 },
  )
  return rows.map((r) => ({
    prefix: `${displayAddress(r.prefix_text)}/${r.prefix_length}`,
    origins: r.origins.map(Number),
    peers: Number(r.peers),
    firstSeen: Number(r.first),
    lastSeen: Number(r.last),
  }))
}

/** Per-minute counts of peers between from and to, from the materialized views. */
export async function minuteCounts(q: Queryable, o: TimeRange & PeerFilter): Promise<MinuteCount[]> {
  const w = where(peerCondition(o), timeCondition(o, 'minute'))
  // The sums are named apart from the columns they add up (ClickHouse would read
  // `sumIf(messages, …)` as the alias of `sum(messages) AS messages`).
  const sql = (table: string, sums: string) =>
    `SELECT toUnixTimestamp(minute) AS m, collector, toString(peer_address) AS peer, peer_asn, ${sums}
     FROM ${table} WHERE ${w.where}
     GROUP BY minute, collector, peer_address, peer_asn`
  interface Key {
    m: number
    collector: string
    peer: string
    peer_asn: number
  }
  const [messages, updates] = await Promise.all([
    q.query<Key & { n_messages: string; n_updates: string; n_bytes: string }>(
      sql(
        'message_counts_1m',
        "sum(messages) AS n_messages, sumIf(messages, type = 'UPDATE') AS n_updates, sum(bytes) AS n_bytes",
      ),
      w.params,
    ),
    q.query<Key & { n_announcements: string; n_withdrawals: string }>(
      sql('update_counts_1m', 'sum(announcements) AS n_announcements, sum(withdrawals) AS n_withdrawals'),
      w.params,
    ),
  ])
  const out = new Map<string, MinuteCount>()
  const key = (r: Key) => `${r.m}|${r.collector}|${r.peer}|${r.peer_asn}`
  const blank = (r: Key): MinuteCount => ({
    minute: Number(r.m),
    collector: r.collector,
    peer: displayAddress(r.peer),
    peerAsn: Number(r.peer_asn),
    messages: 0,
    updates: 0,
    bytes: 0,
    announcements: 0,
    withdrawals: 0,
  })
  for (const r of messages) {
    out.set(key(r), {
      ...blank(r),
      messages: Number(r.n_messages),
      updates: Number(r.n_updates),
      bytes: Number(r.n_bytes),
    })
  }
  for (const r of updates) {
    const k = key(r)
    out.set(k, {
      ...(out.get(k) ?? blank(r)),
      announcements: Number(r.n_announcements),
      withdrawals: Number(r.n_withdrawals),
    })
  }
  return [...out.values()].sort(
    (a, b) => a.minute - b.minute || a.collector.localeCompare(b.collector) || a.peer.localeCompare(b.peer),
  )
}
