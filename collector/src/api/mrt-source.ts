// MRT export from storage: the stored raw messages, read back a page at a
// time and written as MRT (mrt/ writers), gzip, into a stream.
//
//  - updates: every message a peer sent in [from, to] (UPDATEs, OPENs,
//    NOTIFICATIONs, KEEPALIVEs…, as received; never the collector's own or
//    its synthetic withdrawals) as BGP4MP_ET MESSAGE_AS4 (MESSAGE_AS4_ADDPATH
//    when the session received path ids in the message's families), and the
//    sessions' state changes (STATE_CHANGE_AS4), merged in time order across
//    peers. With a prefix, only the messages that announce or withdraw it
//    (or, with match, its more- or less-specifics) — whole, as received.
//  - rib: the table at time T, rebuilt from storage: each peer's stored
//    UPDATEs from the OPEN that began its session at T (or from its first
//    message) up to T, applied to an Adj-RIB-In of the export's own, then
//    written as TABLE_DUMP_V2 sorted by prefix. The entries' attribute octets
//    are the ones the peer sent. Memory is that of the rebuilt table.
//
// Pages are read per peer in the `messages` table's own order (collector,
// peer, time, sequence), so each is one range of its primary index; RowBinary
// keeps the raw octets as they are.

import type { Writable } from 'node:stream'
import {
  type CodecContext,
  codecContext,
  decodeMessage,
  type FamilySet,
  familyByName,
  familyCodec,
  familyName,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import {
  BGP_STATE,
  MrtRibWriter,
  type MrtSessionHeader,
  MrtUpdatesWriter,
  mrtSession,
  type RibEntryInput,
  type RibPeer,
} from '../mrt/index.ts'
import { createRib, type Rib } from '../rib/index.ts'
import { displayAddress, type PrefixMatch, prefixCondition } from '../storage/queries.ts'
import { formatIPv4 } from '../wire/ip.ts'
import { writer as wireWriter } from '../wire/writer.ts'
import type { ApiStorage } from './deps.ts'

/** Rows per page read from storage. */
const PAGE = 20000
/** gzip level of exports: 4 compresses about twice as fast as 6, for files about 10% larger. */
const GZIP_LEVEL = 4

// --- RowBinary ------------------------------------------------------------------------

class RowReader {
  private readonly b: Uint8Array
  private readonly v: DataView
  pos = 0
  constructor(b: Uint8Array) {
    this.b = b
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  }
  get done(): boolean {
    return this.pos >= this.b.length
  }
  u8(): number {
    return this.b[this.pos++]!
  }
  u32(): number {
    const x = this.v.getUint32(this.pos, true)
    this.pos += 4
    return x
  }
  i64(): number {
    const x = Number(this.v.getBigInt64(this.pos, true))
    this.pos += 8
    return x
  }
  u64(): number {
    const x = Number(this.v.getBigUint64(this.pos, true))
    this.pos += 8
    return x
  }
  varint(): number {
    let x = 0
    let shift = 0
    for (;;) {
      const byte = this.b[this.pos++]!
      x += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return x
      shift += 7
    }
  }
  bytes(): Uint8Array {
    const n = this.varint()
    const out = this.b.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  string(): string {
    return Buffer.from(this.bytes()).toString('utf8')
  }
}

// --- what is read ----------------------------------------------------------------------

export interface StoredPeer {
  readonly collector: string
  /** As stored (IPv6, IPv4 mapped). */
  readonly stored: string
  readonly address: string
}

interface MessageRow {
  readonly kind: 'message'
  /** µs since the epoch. */
  readonly time: number
  readonly sequence: number
  readonly peerAsn: number
  readonly localAsn: number
  readonly asn4: boolean
  readonly addPath: readonly string[]
  readonly type: number
  readonly synthetic: boolean
  readonly raw: Uint8Array
}

interface StateRow {
  readonly kind: 'state'
  readonly time: number
  readonly sequence: number
  readonly peerAsn: number
  readonly localAsn: number
  readonly from: number
  readonly to: number
}

type Row = MessageRow | StateRow

const MESSAGE_COLUMNS = `toUnixTimestamp64Micro(time), sequence, peer_asn, local_asn, asn4, add_path,
  toUInt8(type), synthetic, raw`

function readMessages(data: Uint8Array): MessageRow[] {
  const r = new RowReader(data)
  const out: MessageRow[] = []
  while (!r.done) {
    const time = r.i64()
    const sequence = r.u64()
    const peerAsn = r.u32()
    const localAsn = r.u32()
    const asn4 = r.u8() !== 0
    const n = r.varint()
    const addPath: string[] = []
    for (let i = 0; i < n; i++) addPath.push(r.string())
    const type = r.u8()
    const synthetic = r.u8() !== 0
    const raw = r.bytes()
    out.push({ kind: 'message', time, sequence, peerAsn, localAsn, asn4, addPath, type, synthetic, raw })
  }
  return out
}

export interface MessageFilter {
  /** µs since the epoch, inclusive. */
  readonly from: number
  readonly to: number
  /** Only UPDATEs (the RIB rebuild). */
  readonly updatesOnly?: boolean
  /** Include the collector's synthetic withdrawals (the RIB rebuild does; an updates export does not). */
  readonly synthetic?: boolean
  /** Only messages with an NLRI of this prefix (exact, or its more- or less-specifics). */
  readonly prefix?: { readonly prefix: string; readonly match: PrefixMatch }
}

/** The peers with received messages in a time range (optionally one). */
export async function storedPeers(
  s: ApiStorage,
  range: { from: number; to: number },
  peer: string | undefined,
): Promise<StoredPeer[]> {
  const rows = await s.query<{ collector: string; peer: string }>(
    `SELECT collector, toString(peer_address) AS peer FROM messages
     WHERE time >= fromUnixTimestamp64Micro({r_from:Int64}, 'UTC') AND time <= fromUnixTimestamp64Micro({r_to:Int64}, 'UTC')
       AND direction = 'received'${peer !== undefined ? ' AND peer_address = toIPv6({r_peer:String})' : ''}
     GROUP BY collector, peer_address ORDER BY collector, peer_address`,
    {
      r_from: Math.round(range.from),
      r_to: Math.round(range.to),
      ...(peer !== undefined ? { r_peer: peer } : {}),
    },
  )
  return rows.map((r) => ({ collector: r.collector, stored: r.peer, address: displayAddress(r.peer) }))
}

/** One peer's messages in time order, a page at a time. */
async function* peerPages(s: ApiStorage, p: StoredPeer, f: MessageFilter): AsyncGenerator<MessageRow[]> {
  const prefix = f.prefix ? prefixCondition(f.prefix.prefix, f.prefix.match) : undefined
  let after = { time: f.from - 1, sequence: 0 }
  let first = true
  for (;;) {
    const sql = `SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE collector = {m_collector:String} AND peer_address = toIPv6({m_peer:String})
        AND time >= fromUnixTimestamp64Micro({m_at:Int64}, 'UTC') AND time <= fromUnixTimestamp64Micro({m_to:Int64}, 'UTC')
        ${first ? '' : "AND (time, sequence) > (fromUnixTimestamp64Micro({m_at:Int64}, 'UTC'), {m_seq:UInt64})"}
        AND direction = 'received'${f.synthetic ? '' : ' AND NOT synthetic'}${f.updatesOnly ? " AND type = 'UPDATE'" : ''}
        ${
          prefix
            ? `AND (time, sequence) IN (SELECT time, sequence FROM updates
                 WHERE collector = {m_collector:String} AND peer_address = toIPv6({m_peer:String})
                   AND time >= fromUnixTimestamp64Micro({m_from:Int64}, 'UTC') AND time <= fromUnixTimestamp64Micro({m_to:Int64}, 'UTC')
                   AND ${prefix.where})`
            : ''
        }
      ORDER BY time, sequence
      LIMIT ${PAGE}`
    const data = await s.queryFormatted(sql, 'RowBinary', {
      m_collector: p.collector,
      m_peer: p.stored,
      m_at: first ? Math.round(f.from) : after.time,
      m_seq: after.sequence,
      m_from: Math.round(f.from),
      m_to: Math.round(f.to),
      ...(prefix?.params ?? {}),
    })
    const rows = readMessages(data)
    if (rows.length) yield rows
    if (rows.length < PAGE) return
    const last = rows[rows.length - 1]!
    after = { time: last.time, sequence: last.sequence }
    first = false
  }
}

/** peer_events' state names (RFC 4271 §8.2.2) as STATE_CHANGE numbers (RFC 6396 §4.4.1). */
const STATE_NUMBER: Readonly<Record<string, number>> = {
  Idle: BGP_STATE.IDLE,
  Connect: BGP_STATE.CONNECT,
  Active: BGP_STATE.ACTIVE,
  OpenSent: BGP_STATE.OPEN_SENT,
  OpenConfirm: BGP_STATE.OPEN_CONFIRM,
  Established: BGP_STATE.ESTABLISHED,
}

/** One peer's state changes in a time range (peer_events is small: read at once). */
async function peerStates(s: ApiStorage, p: StoredPeer, f: MessageFilter): Promise<StateRow[]> {
  const rows = await s.query<{
    t: string
    sequence: string
    peer_asn: number
    local_asn: number
    f: string
    s: string
  }>(
    `SELECT toString(toUnixTimestamp64Micro(time)) AS t, sequence, peer_asn, local_asn,
            toString(from_state) AS f, toString(to_state) AS s
     FROM peer_events
     WHERE collector = {e_collector:String} AND peer_address = toIPv6({e_peer:String}) AND event = 'state'
       AND time >= fromUnixTimestamp64Micro({e_from:Int64}, 'UTC') AND time <= fromUnixTimestamp64Micro({e_to:Int64}, 'UTC')
     ORDER BY time, sequence`,
    { e_collector: p.collector, e_peer: p.stored, e_from: Math.round(f.from), e_to: Math.round(f.to) },
  )
  return rows.map((r) => ({
    kind: 'state' as const,
    time: Number(r.t),
    sequence: Number(r.sequence),
    peerAsn: Number(r.peer_asn),
    localAsn: Number(r.local_asn),
    from: STATE_NUMBER[r.f] ?? 0,
    to: STATE_NUMBER[r.s] ?? 0,
  }))
}

/**
 * A peer's rows (messages, and its state changes unless filtered by prefix)
 * in (time, sequence) order, read a page at a time: `head` and `take` are
 * synchronous, only `fill` (when `empty`) waits for the next page.
 */
class PeerRows {
  readonly peer: StoredPeer
  private readonly pages: AsyncGenerator<MessageRow[]>
  private readonly states: readonly StateRow[]
  private page: MessageRow[] = []
  private i = 0
  private si = 0
  private done = false
  /** The next page, asked for as soon as the current one arrived (reading overlaps writing). */
  private ahead: Promise<IteratorResult<MessageRow[]>> | undefined

  private constructor(peer: StoredPeer, pages: AsyncGenerator<MessageRow[]>, states: readonly StateRow[]) {
    this.peer = peer
    this.pages = pages
    this.states = states
  }

  static async open(s: ApiStorage, p: StoredPeer, f: MessageFilter): Promise<PeerRows> {
    const states = f.prefix || f.updatesOnly ? [] : await peerStates(s, p, f)
    const r = new PeerRows(p, peerPages(s, p, f), states)
    await r.fill()
    return r
  }

  /** The current page is used up and another may follow. */
  get empty(): boolean {
    return this.i >= this.page.length && !this.done
  }

  async fill(): Promise<void> {
    while (this.empty) {
      const n = await (this.ahead ?? this.pages.next())
      this.ahead = undefined
      if (n.done) this.done = true
      else {
        this.page = n.value
        this.i = 0
        this.ahead = this.pages.next()
        // Awaited by the next fill; an export that stops first leaves it unread.
        this.ahead.catch(() => {})
      }
    }
  }

  /** The next row (after fill), or undefined at the end. */
  head(): Row | undefined {
    const m = this.page[this.i]
    const st = this.states[this.si]
    if (st && (!m || st.time < m.time || (st.time === m.time && st.sequence < m.sequence))) return st
    return m
  }

  take(): Row {
    const r = this.head()!
    if (r.kind === 'state') this.si++
    else this.i++
    return r
  }
}

// --- families of an UPDATE (for the ADDPATH subtypes) -----------------------------------

/** The families an UPDATE's NLRI belong to: ipv4-unicast for the classic fields, MP_(UN)REACH_NLRI's AFI/SAFI. */
export function updateFamilies(m: Uint8Array): string[] {
  const out = new Set<string>()
  if (m.length < 23 || m[18] !== 2) return []
  const withdrawn = (m[19]! << 8) | m[20]!
  let p = 21 + withdrawn
  if (p + 2 > m.length) return []
  const attrLen = (m[p]! << 8) | m[p + 1]!
  p += 2
  const end = Math.min(p + attrLen, m.length)
  if (withdrawn > 0 || end < m.length) out.add('ipv4-unicast')
  while (p + 3 <= end) {
    const flags = m[p]!
    const code = m[p + 1]!
    const ext = (flags & 0x10) !== 0
    const len = ext ? (m[p + 2]! << 8) | (m[p + 3] ?? 0) : m[p + 2]!
    const value = p + (ext ? 4 : 3)
    if ((code === 14 || code === 15) && value + 3 <= end)
      out.add(familyName((m[value]! << 8) | m[value + 1]!, m[value + 2]!))
    p = value + len
  }
  return [...out]
}

// --- updates export --------------------------------------------------------------------

/** The reader of an export went away: stop, and wait for nothing more. */
export interface Cancellation {
  readonly gone: () => boolean
  /** Resolves when the reader goes away. */
  readonly whenGone: Promise<void>
}

export interface ExportStats {
  records: number
  /** Octets of MRT written (before gzip). */
  bytes: number
}

function sessionOf(
  cache: Map<string, MrtSessionHeader>,
  p: StoredPeer,
  r: Row,
  asn4: boolean,
  localAddress: string,
) {
  const key = `${p.collector}|${p.stored}|${r.peerAsn}|${r.localAsn}|${asn4}`
  let s = cache.get(key)
  if (!s) {
    s = mrtSession({ peerAddress: p.address, peerAs: r.peerAsn, localAddress, localAs: r.localAsn, asn4 })
    cache.set(key, s)
  }
  return s
}

/** Writes the updates export into `out` (gzip MRT); resolves when the stream is complete. */
export async function writeUpdates(
  s: ApiStorage,
  peers: readonly StoredPeer[],
  f: MessageFilter,
  out: Writable,
  localAddress: (peer: string) => string | undefined,
  cancel: Cancellation,
): Promise<ExportStats> {
  const w = new MrtUpdatesWriter(out, { gzip: GZIP_LEVEL })
  const sessions = new Map<string, MrtSessionHeader>()
  const local = (p: StoredPeer) => localAddress(p.address) ?? (p.address.includes(':') ? '::' : '0.0.0.0')
  // A k-way merge of the peers' rows by time (ties: peer order).
  const cursors = await Promise.all(peers.map((p) => PeerRows.open(s, p, f)))
  for (;;) {
    if (cancel.gone()) break
    let best: PeerRows | undefined
    let bestTime = 0
    for (const c of cursors) {
      if (c.empty) await c.fill()
      const h = c.head()
      if (h && (!best || h.time < bestTime)) {
        best = c
        bestTime = h.time
      }
    }
    if (!best) break
    const p = best.peer
    const r = best.take()
    let more: boolean
    if (r.kind === 'state') {
      more = w.stateChange(sessionOf(sessions, p, r, true, local(p)), r.time, r.from, r.to)
    } else {
      const addPath = r.addPath.length > 0 && updateFamilies(r.raw).some((fam) => r.addPath.includes(fam))
      more = w.message(sessionOf(sessions, p, r, r.asn4, local(p)), r.time, r.raw, { addPath })
    }
    if (!more) await Promise.race([w.drain(), cancel.whenGone])
  }
  const stats = { records: w.output.records, bytes: w.output.bytes }
  if (!cancel.gone()) await Promise.race([w.close(), cancel.whenGone])
  return stats
}

// --- RIB dump at T ---------------------------------------------------------------------

interface SessionStart {
  /** µs of the peer's last received OPEN at or before T (0: none stored). */
  readonly time: number
  readonly bgpId: string
  readonly asn: number
}

/** Each peer's last received OPEN at or before `at`. */
async function sessionStarts(s: ApiStorage, at: number): Promise<Map<string, SessionStart>> {
  const rows = await s.query<{ collector: string; peer: string; t: string; asn: number; raw: string }>(
    `SELECT collector, toString(peer_address) AS peer, toString(toUnixTimestamp64Micro(max(time))) AS t,
            argMax(peer_asn, time) AS asn, hex(argMax(raw, time)) AS raw
     FROM messages
     WHERE type = 'OPEN' AND direction = 'received' AND time <= fromUnixTimestamp64Micro({o_at:Int64}, 'UTC')
     GROUP BY collector, peer_address`,
    { o_at: Math.round(at) },
  )
  const out = new Map<string, SessionStart>()
  for (const r of rows) {
    const raw = Buffer.from(r.raw, 'hex')
    out.set(`${r.collector}|${r.peer}`, {
      time: Number(r.t),
      bgpId: raw.length >= 28 ? formatIPv4(raw, 24) : '0.0.0.0',
      asn: Number(r.asn),
    })
  }
  return out
}

function contextOf(
  cache: Map<string, CodecContext>,
  asn4: boolean,
  addPath: readonly string[],
): CodecContext {
  const key = `${asn4}|${addPath.join(',')}`
  let c = cache.get(key)
  if (!c) {
    const keys = new Set(addPath.map((n) => familyByName(n)).filter((k): k is number => k !== undefined))
    const set: FamilySet = { has: (k) => keys.has(k) }
    c = codecContext({ asn4, addPath: set, extendedMessage: true })
    cache.set(key, c)
  }
  return c
}

export interface RebuiltRib {
  readonly rib: Rib
  /** The RIB's peer ids in the order of the dump's peer index, with their MRT peer entries. */
  readonly peers: readonly { readonly id: number; readonly peer: RibPeer; readonly since: number }[]
}

/** Rebuilds the Adj-RIB-In at `at` from the stored UPDATEs (see the top of this file). */
export async function rebuildRib(
  s: ApiStorage,
  at: number,
  peerFilter: string | undefined,
  cancel: Cancellation,
): Promise<RebuiltRib> {
  const starts = await sessionStarts(s, at)
  const peers = await storedPeers(s, { from: 0, to: at }, peerFilter)
  const rib = createRib()
  const contexts = new Map<string, CodecContext>()
  const out: { id: number; peer: RibPeer; since: number }[] = []
  for (const p of peers) {
    const start = starts.get(`${p.collector}|${p.stored}`)
    const id = rib.peer(`${p.collector}|${p.address}`)
    let asn = start?.asn ?? 0
    let n = 0
    for await (const page of peerPages(s, p, {
      from: start?.time ?? 0,
      to: at,
      updatesOnly: true,
      synthetic: true,
    })) {
      if (cancel.gone()) break
      for (const m of page) {
        asn ||= m.peerAsn
        const ctx = contextOf(contexts, m.asn4, m.addPath)
        const d = decodeMessage(m.raw, ctx)
        if (d.message?.type !== 'UPDATE') continue
        rib.apply(id, updateRoutes(d.message as UpdateMessage, d.problems, ctx), m.raw, ctx)
        if (++n % 2000 === 0) await new Promise((r) => setImmediate(r))
      }
    }
    if (rib.count(id).paths > 0) {
      out.push({
        id,
        peer: { address: p.address, asn, bgpId: start?.bgpId ?? '0.0.0.0' },
        since: start?.time ?? 0,
      })
    }
  }
  return { rib, peers: out }
}

/** The NLRI octets of a route for RIB_GENERIC (its codec's encoding, without a path id). */
function nlriOctets(afi: number, safi: number, nlri: object): Uint8Array {
  const codec = familyCodec(afi, safi)
  const { pathId: _, ...n } = nlri as { pathId?: number }
  const size = codec.size(n)
  const b = new Uint8Array(size)
  codec.encode(wireWriter(b, 0, size), n)
  return b
}

/** Writes the rebuilt RIB as a TABLE_DUMP_V2 file (gzip) into `out`. */
export async function writeRib(
  r: RebuiltRib,
  at: number,
  collectorBgpId: string,
  out: Writable,
  cancel: Cancellation,
): Promise<ExportStats> {
  const w = new MrtRibWriter(out, {
    gzip: GZIP_LEVEL,
    timestamp: Math.floor(at / 1e6),
    collectorBgpId,
    peers: r.peers.map((p) => p.peer),
  })
  const index = new Map(r.peers.map((p, i) => [p.id, { i, since: Math.floor(p.since / 1e6) }]))
  let n = 0
  for (const family of r.rib.families()) {
    const key = familyByName(family)!
    const afi = key >> 8
    const safi = key & 0xff
    const ip = (afi === 1 || afi === 2) && (safi === 1 || safi === 2)
    for (const e of r.rib.entries(family)) {
      if (cancel.gone()) break
      const entries: RibEntryInput[] = []
      for (const route of e.routes) {
        const p = index.get(route.peer)
        if (!p) continue
        entries.push({
          peerIndex: p.i,
          originatedTime: p.since,
          ...(route.pathId !== undefined ? { pathId: route.pathId } : {}),
          attributes: route.attributes.raw,
          nextHop: route.attributes.nextHopRaw,
        })
      }
      if (!entries.length) continue
      const more = w.add(
        ip
          ? { afi, safi, prefix: e.prefix!, entries }
          : { afi, safi, nlri: nlriOctets(afi, safi, e.routes[0]!.nlri), entries },
      )
      if (!more) await Promise.race([w.drain(), cancel.whenGone])
      if (++n % 2000 === 0) await new Promise((res) => setImmediate(res))
    }
  }
  const stats = { records: w.output.records, bytes: w.output.bytes }
  if (!cancel.gone()) await Promise.race([w.close(), cancel.whenGone])
  return stats
}
