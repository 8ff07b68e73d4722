// The RIB-dump writer: a TABLE_DUMP_V2 file (RFC 6396 §4.3) from a RIB held
// per peer, family and path id, streamed one prefix at a time:
//
//   PEER_INDEX_TABLE                       once, first
//   RIB_IPV4_UNICAST / RIB_IPV6_UNICAST    per prefix, one entry per peer path
//   RIB_IPV4/IPV6_MULTICAST                the multicast twins
//   RIB_GENERIC                            any other family (VPN, labeled, …)
//   *_ADDPATH (RFC 8050)                   entries that carry a path id
//
// A prefix whose entries mix paths with and without ids is written as two
// records, one of each subtype. Entries keep the attribute octets the peer
// sent, with one change RFC 6396 §4.3.4 asks for: MP_REACH_NLRI is reduced to
// Next Hop Length + Next Hop (MP_UNREACH_NLRI, meaningless in a RIB, is left
// out). `mpReach: 'full'` keeps the whole attribute instead (AFI, SAFI, next
// hop, reserved octet and this prefix as its NLRI), the form GoBGP writes and
// its `gobgp mrt inject` reads. An attribute set stored without MP_REACH_NLRI
// (the Adj-RIB-In keeps next hops apart) gets one made from `nextHop`.

import type { Writable } from 'node:stream'
import { prefixTextNlri } from '../wire/ip.ts'
import { MRT_TYPE, TABLE_DUMP_V2_SUBTYPE } from './constants.ts'
import { RecordFault } from './errors.ts'
import { writeMrtHeader, writeU16, writeU32 } from './header.ts'
import { MrtOutput, type MrtOutputOptions } from './output.ts'
import { type PeerEntry, peerTypeFor } from './peer-index-table.ts'
import { isAbbreviatedMpReach, ribSubtype } from './rib.ts'

export interface RibPeer {
  readonly address: string
  readonly asn: number
  /** BGP identifier (default 0.0.0.0). */
  readonly bgpId?: string
}

export interface RibWriterOptions extends MrtOutputOptions {
  /** Seconds since the epoch: the dump's time, in every record's header. */
  readonly timestamp: number
  readonly collectorBgpId?: string
  readonly viewName?: string
  readonly peers: readonly RibPeer[]
  /** 'abbreviated' (RFC 6396 §4.3.4, the default) or 'full' MP_REACH_NLRI in entries. */
  readonly mpReach?: 'abbreviated' | 'full'
  /** Set the 4-octet-AS bit for every peer (default: only when the AS needs it). */
  readonly alwaysAs4?: boolean
}

export interface RibEntryInput {
  readonly peerIndex: number
  readonly originatedTime: number
  /** RFC 7911 path identifier: the entry goes into an *_ADDPATH record. */
  readonly pathId?: number
  /** Path attribute octets as received. */
  readonly attributes: Uint8Array
  /** Next hop octets, used when `attributes` has no MP_REACH_NLRI and the family needs one. */
  readonly nextHop?: Uint8Array
}

export interface RibPrefixInput {
  readonly afi: number
  readonly safi: number
  /** IP families: the prefix text ("192.0.2.0/24"). */
  readonly prefix?: string
  /** Any family: the NLRI octets, without a path id (for IP families: length octet + prefix octets). */
  readonly nlri?: Uint8Array
  readonly entries: readonly RibEntryInput[]
}

/** <length, prefix octets> of an IP prefix text. */
export function prefixNlri(prefix: string, afi: number): Uint8Array {
  const nlri = prefixTextNlri(prefix, afi === 1 ? 4 : 16)
  if (!nlri) throw new RecordFault(0, `not an AFI ${afi} prefix: ${prefix}`)
  return nlri
}

// --- the attribute block of an entry ---------------------------------------------------

interface Scan {
  /** Offset of the first MP_REACH_NLRI (header) and of its value; -1 if none. */
  mpAt: number
  mpValue: number
  mpEnd: number
  mpFlags: number
  /** Octets of the attributes copied as they are (everything but MP_REACH/MP_UNREACH). */
  kept: number
  /** Offset before which a made-up MP_REACH_NLRI goes (type order). */
  insertAt: number
  hasNextHop: boolean
}

function scan(a: Uint8Array): Scan {
  const s: Scan = { mpAt: -1, mpValue: 0, mpEnd: 0, mpFlags: 0x80, kept: 0, insertAt: -1, hasNextHop: false }
  let p = 0
  while (p < a.length) {
    const flags = a[p]!
    const code = a[p + 1] ?? 0
    const ext = (flags & 0x10) !== 0
    const len = ext ? ((a[p + 2] ?? 0) << 8) | (a[p + 3] ?? 0) : (a[p + 2] ?? 0)
    const value = p + (ext ? 4 : 3)
    const end = Math.min(value + len, a.length)
    if (s.insertAt < 0 && code > 14) s.insertAt = p
    if (code === 14) {
      if (s.mpAt < 0) {
        s.mpAt = p
        s.mpValue = value
        s.mpEnd = end
        s.mpFlags = flags
      }
    } else if (code !== 15) {
      s.kept += end - p
      if (code === 3) s.hasNextHop = true
    }
    p = end
  }
  if (s.insertAt < 0) s.insertAt = a.length
  return s
}

/** The MP_REACH_NLRI value an entry gets, or undefined when it needs none. */
function mpReachValue(
  a: Uint8Array,
  s: Scan,
  afi: number,
  safi: number,
  nlri: Uint8Array,
  mode: 'abbreviated' | 'full',
  nextHop: Uint8Array | undefined,
): Uint8Array | undefined {
  let nh: Uint8Array | undefined
  if (s.mpAt >= 0) {
    const v = a.subarray(s.mpValue, s.mpEnd)
    if (isAbbreviatedMpReach(v)) {
      if (mode === 'abbreviated') return v
      nh = v.subarray(1)
    } else {
      if (v.length < 4) return undefined
      nh = v.subarray(4, Math.min(4 + v[3]!, v.length))
    }
  } else {
    // IPv4 unicast with NEXT_HOP needs no MP_REACH_NLRI; so does an entry with no next hop to tell.
    if (!nextHop || (afi === 1 && safi === 1 && nextHop.length === 4 && s.hasNextHop)) return undefined
    nh = nextHop
  }
  if (mode === 'abbreviated') {
    const out = new Uint8Array(1 + nh.length)
    out[0] = nh.length
    out.set(nh, 1)
    return out
  }
  const out = new Uint8Array(5 + nh.length + nlri.length)
  out[0] = afi >> 8
  out[1] = afi & 0xff
  out[2] = safi
  out[3] = nh.length
  out.set(nh, 4)
  out[4 + nh.length] = 0
  out.set(nlri, 5 + nh.length)
  return out
}

interface EntryPlan {
  readonly input: RibEntryInput
  readonly scan: Scan
  readonly mp: Uint8Array | undefined
  readonly mpExt: boolean
  readonly size: number
}

function plan(
  e: RibEntryInput,
  afi: number,
  safi: number,
  nlri: Uint8Array,
  mode: 'abbreviated' | 'full',
): EntryPlan {
  const s = scan(e.attributes)
  const mp = mpReachValue(e.attributes, s, afi, safi, nlri, mode, e.nextHop)
  const mpExt = mp !== undefined && (mp.length > 0xff || (s.mpAt >= 0 && (s.mpFlags & 0x10) !== 0))
  const size = s.kept + (mp ? (mpExt ? 4 : 3) + mp.length : 0)
  if (size > 0xffff) throw new RecordFault(0, `attributes of ${size} octets do not fit a RIB entry`)
  return { input: e, scan: s, mp, mpExt, size }
}

/** Writes an entry's attributes at b[p..]; returns the end. */
function writeAttributes(b: Uint8Array, p: number, pl: EntryPlan): number {
  const a = pl.input.attributes
  const s = pl.scan
  const writeMp = (q: number): number => {
    const mp = pl.mp!
    b[q++] = pl.mpExt ? s.mpFlags | 0x10 : s.mpFlags & ~0x10
    b[q++] = 14
    if (pl.mpExt) b[q++] = mp.length >> 8
    b[q++] = mp.length & 0xff
    b.set(mp, q)
    return q + mp.length
  }
  let q = 0
  let mpDone = pl.mp === undefined
  while (q < a.length) {
    const flags = a[q]!
    const code = a[q + 1] ?? 0
    const ext = (flags & 0x10) !== 0
    const len = ext ? ((a[q + 2] ?? 0) << 8) | (a[q + 3] ?? 0) : (a[q + 2] ?? 0)
    const end = Math.min(q + (ext ? 4 : 3) + len, a.length)
    if (!mpDone && (q === s.mpAt || (s.mpAt < 0 && q === s.insertAt))) {
      p = writeMp(p)
      mpDone = true
    }
    if (code !== 14 && code !== 15) {
      b.set(a.subarray(q, end), p)
      p += end - q
    }
    q = end
  }
  if (!mpDone) p = writeMp(p)
  return p
}

// --- the writer ------------------------------------------------------------------------

export class MrtRibWriter {
  readonly output: MrtOutput
  readonly #timestamp: number
  readonly #mode: 'abbreviated' | 'full'
  readonly #peers: number
  /** The next record's sequence number. */
  sequence = 0

  constructor(dest: MrtOutput | string | Writable, options: RibWriterOptions) {
    this.output = dest instanceof MrtOutput ? dest : new MrtOutput(dest, options)
    this.#timestamp = options.timestamp
    this.#mode = options.mpReach ?? 'abbreviated'
    this.#peers = options.peers.length
    const peers: PeerEntry[] = options.peers.map((p) => ({
      peerType: peerTypeFor(p.address, p.asn, options.alwaysAs4),
      bgpId: p.bgpId ?? '0.0.0.0',
      address: p.address,
      asn: p.asn,
    }))
    this.output.write({
      timestamp: this.#timestamp,
      type: MRT_TYPE.TABLE_DUMP_V2,
      subtype: TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE,
      body: {
        kind: 'PEER_INDEX_TABLE',
        table: {
          collectorBgpId: options.collectorBgpId ?? '0.0.0.0',
          viewName: options.viewName ?? '',
          peers,
        },
      },
    })
  }

  /** Writes the records of one prefix. False: await drain() before the next. */
  add(route: RibPrefixInput): boolean {
    const nlri = route.nlri ?? prefixNlri(route.prefix ?? '', route.afi)
    const plain: EntryPlan[] = []
    const withIds: EntryPlan[] = []
    for (const e of route.entries) {
      if (e.peerIndex >= this.#peers)
        throw new RecordFault(0, `peer index ${e.peerIndex} of ${this.#peers} peers`)
      ;(e.pathId === undefined ? plain : withIds).push(plan(e, route.afi, route.safi, nlri, this.#mode))
    }
    let ok = true
    if (plain.length || !withIds.length) ok = this.#record(route.afi, route.safi, nlri, plain, false)
    if (withIds.length) ok = this.#record(route.afi, route.safi, nlri, withIds, true)
    return ok
  }

  #record(afi: number, safi: number, nlri: Uint8Array, entries: EntryPlan[], addPath: boolean): boolean {
    const subtype = ribSubtype(afi, safi, addPath, false)
    const generic =
      subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC || subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC_ADDPATH
    let body = 4 + (generic ? 3 : 0) + nlri.length + 2
    for (const e of entries) body += 8 + (addPath ? 4 : 0) + e.size
    const total = 12 + body
    const { block, at } = this.output.reserve(total)
    writeMrtHeader(block, at, { timestamp: this.#timestamp, type: MRT_TYPE.TABLE_DUMP_V2, subtype }, body)
    let p = at + 12
    writeU32(block, p, this.sequence++)
    p += 4
    if (generic) {
      writeU16(block, p, afi)
      block[p + 2] = safi
      p += 3
    }
    block.set(nlri, p)
    p += nlri.length
    writeU16(block, p, entries.length)
    p += 2
    for (const e of entries) {
      writeU16(block, p, e.input.peerIndex)
      writeU32(block, p + 2, e.input.originatedTime)
      p += 6
      if (addPath) {
        writeU32(block, p, e.input.pathId ?? 0)
        p += 4
      }
      writeU16(block, p, e.size)
      p += 2
      const end = writeAttributes(block, p, e)
      if (end - p !== e.size)
        throw new Error(`RIB entry attributes: wrote ${end - p} octets, planned ${e.size}`)
      p = end
    }
    if (p !== at + total) throw new Error(`RIB record: wrote ${p - at} octets, planned ${total}`)
    return this.output.commit(total)
  }

  drain(): Promise<void> {
    return this.output.drain()
  }

  close(): Promise<void> {
    return this.output.close()
  }
}
