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
import { ribSubtype } from './rib.ts'

const EMPTY = new Uint8Array(0)

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
//
// The entries of the prefix being written are kept in typed arrays, one slot
// per entry (a dump writes millions: no object per entry). Each is scanned
// once for its MP_REACH_NLRI and for where a made-up one goes; the record's
// size is then known, and the entries are written in place.

/** Per entry slot, in `I32` (PEER..SIZE). */
const PEER = 0
const ORIGINATED = 1
const PATH_ID = 2
const HAS_ID = 3
const A_START = 4
const A_END = 5
const NH_START = 6
const NH_END = 7
/** Offset of MP_REACH_NLRI in the attributes (header), of its value and its end; -1 if none. */
const MP_AT = 8
const MP_VALUE = 9
const MP_END = 10
const MP_FLAGS = 11
/** Octets of the attributes copied as they are (everything but MP_REACH/MP_UNREACH). */
const KEPT = 12
/** Offset before which a made-up MP_REACH_NLRI goes (type order). */
const INSERT_AT = 13
const HAS_NEXT_HOP = 14
/** The MP_REACH_NLRI written: MP_NONE…; where its next hop is (in NH_BUF); value length; extended length. */
const MP_KIND = 15
const MP_NH_FROM_ATTRS = 16
const MP_NH_START = 17
const MP_NH_END = 18
const MP_LEN = 19
const MP_EXT = 20
const SIZE = 21
const SLOT = 22

const MP_NONE = 0
/** The attributes' MP_REACH_NLRI value, already abbreviated: copied. */
const MP_COPY = 1
const MP_ABBREVIATED = 2
const MP_FULL = 3

class EntrySlots {
  i32 = new Int32Array(64 * SLOT)
  attrs: Uint8Array[] = []
  nextHops: (Uint8Array | undefined)[] = []
  count = 0

  add(): number {
    const i = this.count++
    if ((i + 1) * SLOT > this.i32.length) {
      const grown = new Int32Array(this.i32.length * 2)
      grown.set(this.i32)
      this.i32 = grown
    }
    return i * SLOT
  }

  clear(): void {
    this.count = 0
    // Let go of the octets they referred to (a RIB's storage, a file's records).
    this.attrs.length = 0
    this.nextHops.length = 0
  }
}

/** Scans entry e's attributes (see the slot fields above). */
function scanEntry(x: Int32Array, e: number, a: Uint8Array): void {
  let mpAt = -1
  let insertAt = -1
  let kept = 0
  let hasNextHop = 0
  let p = x[e + A_START]!
  const aEnd = x[e + A_END]!
  while (p < aEnd) {
    const flags = a[p]!
    const code = a[p + 1] ?? 0
    const ext = (flags & 0x10) !== 0
    const len = ext ? ((a[p + 2] ?? 0) << 8) | (a[p + 3] ?? 0) : (a[p + 2] ?? 0)
    const value = p + (ext ? 4 : 3)
    const end = Math.min(value + len, aEnd)
    if (insertAt < 0 && code > 14) insertAt = p
    if (code === 14) {
      if (mpAt < 0) {
        mpAt = p
        x[e + MP_VALUE] = value
        x[e + MP_END] = end
        x[e + MP_FLAGS] = flags
      }
    } else if (code !== 15) {
      kept += end - p
      if (code === 3) hasNextHop = 1
    }
    p = end
  }
  if (mpAt < 0) x[e + MP_FLAGS] = 0x80
  x[e + MP_AT] = mpAt
  x[e + INSERT_AT] = insertAt < 0 ? aEnd : insertAt
  x[e + KEPT] = kept
  x[e + HAS_NEXT_HOP] = hasNextHop
}

/** Plans entry e's MP_REACH_NLRI (RFC 6396 §4.3.4) and its size. */
function planEntry(
  x: Int32Array,
  e: number,
  a: Uint8Array,
  nextHop: Uint8Array | undefined,
  afi: number,
  safi: number,
  nlriLength: number,
  full: boolean,
): void {
  let kind = MP_NONE
  let fromAttrs = 0
  let nhStart = 0
  let nhEnd = 0
  const mpAt = x[e + MP_AT]!
  if (mpAt >= 0) {
    const v = x[e + MP_VALUE]!
    const vEnd = x[e + MP_END]!
    fromAttrs = 1
    if (vEnd > v && vEnd - v === 1 + a[v]!) {
      // Abbreviated already (a RIB entry read from a file).
      kind = full ? MP_FULL : MP_COPY
      nhStart = v + 1
      nhEnd = vEnd
    } else if (vEnd - v >= 4) {
      kind = full ? MP_FULL : MP_ABBREVIATED
      nhStart = v + 4
      nhEnd = Math.min(v + 4 + a[v + 3]!, vEnd)
    }
  } else if (
    // IPv4 unicast with NEXT_HOP needs no MP_REACH_NLRI; nor does an entry with no next hop to tell.
    nextHop &&
    !(afi === 1 && safi === 1 && x[e + NH_END]! - x[e + NH_START]! === 4 && x[e + HAS_NEXT_HOP])
  ) {
    kind = full ? MP_FULL : MP_ABBREVIATED
    nhStart = x[e + NH_START]!
    nhEnd = x[e + NH_END]!
  }
  const nh = nhEnd - nhStart
  const mpLen =
    kind === MP_NONE ? 0 : kind === MP_COPY ? nh + 1 : kind === MP_ABBREVIATED ? 1 + nh : 5 + nh + nlriLength
  const ext = kind !== MP_NONE && (mpLen > 0xff || (mpAt >= 0 && (x[e + MP_FLAGS]! & 0x10) !== 0))
  const size = x[e + KEPT]! + (kind === MP_NONE ? 0 : (ext ? 4 : 3) + mpLen)
  if (size > 0xffff) throw new RecordFault(0, `attributes of ${size} octets do not fit a RIB entry`)
  x[e + MP_KIND] = kind
  x[e + MP_NH_FROM_ATTRS] = fromAttrs
  x[e + MP_NH_START] = nhStart
  x[e + MP_NH_END] = nhEnd
  x[e + MP_LEN] = mpLen
  x[e + MP_EXT] = ext ? 1 : 0
  x[e + SIZE] = size
}

/** The prefix being written: its family and NLRI octets nlri[nlriStart..nlriEnd). */
interface PrefixRef {
  afi: number
  safi: number
  nlri: Uint8Array
  nlriStart: number
  nlriEnd: number
}

/** dst[at..] = src[start..end): a loop for the few dozen octets of most attributes. */
function copy(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start > 64) dst.set(src.subarray(start, end), at)
  else for (let i = start; i < end; i++) dst[at++] = src[i]!
}

function writeMp(b: Uint8Array, p: number, x: Int32Array, e: number, nh: Uint8Array, r: PrefixRef): number {
  const kind = x[e + MP_KIND]!
  const mpLen = x[e + MP_LEN]!
  const ext = x[e + MP_EXT] === 1
  const flags = x[e + MP_FLAGS]!
  b[p++] = ext ? flags | 0x10 : flags & ~0x10
  b[p++] = 14
  if (ext) b[p++] = mpLen >> 8
  b[p++] = mpLen & 0xff
  const nhStart = x[e + MP_NH_START]!
  const nhEnd = x[e + MP_NH_END]!
  if (kind === MP_FULL) {
    b[p++] = r.afi >> 8
    b[p++] = r.afi & 0xff
    b[p++] = r.safi
  }
  b[p++] = nhEnd - nhStart
  copy(nh, nhStart, nhEnd, b, p)
  p += nhEnd - nhStart
  if (kind === MP_FULL) {
    b[p++] = 0
    copy(r.nlri, r.nlriStart, r.nlriEnd, b, p)
    p += r.nlriEnd - r.nlriStart
  }
  return p
}

/** Writes entry e's attributes at b[p..]: kept as they are, MP_REACH_NLRI in its place; returns the end. */
function writeAttributes(
  b: Uint8Array,
  p: number,
  x: Int32Array,
  e: number,
  a: Uint8Array,
  nextHop: Uint8Array | undefined,
  r: PrefixRef,
): number {
  const kind = x[e + MP_KIND]!
  const mpAt = x[e + MP_AT]!
  const at = kind === MP_NONE ? -1 : mpAt >= 0 ? mpAt : x[e + INSERT_AT]!
  const nh = x[e + MP_NH_FROM_ATTRS] ? a : nextHop!
  const aEnd = x[e + A_END]!
  let q = x[e + A_START]!
  // Runs of attributes copied as they are, broken by MP_REACH/MP_UNREACH and the insertion point.
  let run = q
  while (q < aEnd) {
    if (q === at) {
      copy(a, run, q, b, p)
      p += q - run
      p = writeMp(b, p, x, e, nh, r)
      run = q
    }
    const flags = a[q]!
    const code = a[q + 1] ?? 0
    const ext = (flags & 0x10) !== 0
    const len = ext ? ((a[q + 2] ?? 0) << 8) | (a[q + 3] ?? 0) : (a[q + 2] ?? 0)
    const end = Math.min(q + (ext ? 4 : 3) + len, aEnd)
    if (code === 14 || code === 15) {
      copy(a, run, q, b, p)
      p += q - run
      run = end
    }
    q = end
  }
  copy(a, run, aEnd, b, p)
  p += aEnd - run
  if (at === aEnd) p = writeMp(b, p, x, e, nh, r)
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
  // The prefix being written (begin … end).
  readonly #slots = new EntrySlots()
  readonly #prefix: PrefixRef = { afi: 0, safi: 0, nlri: EMPTY, nlriStart: 0, nlriEnd: 0 }

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
    this.begin(route.afi, route.safi, nlri, 0, nlri.length)
    for (const e of route.entries) {
      const nh = e.nextHop
      this.entry(
        e.peerIndex,
        e.originatedTime,
        e.pathId ?? -1,
        e.attributes,
        0,
        e.attributes.length,
        nh,
        0,
        nh?.length ?? 0,
      )
    }
    return this.end()
  }

  /**
   * The streaming form of add(), for dumps of millions of entries: begin()
   * with the prefix's NLRI octets (IP families: length octet and prefix
   * octets), entry() for each path, end(). The octets are read at end().
   */
  begin(afi: number, safi: number, nlri: Uint8Array, nlriStart: number, nlriEnd: number): void {
    this.#slots.clear()
    const r = this.#prefix
    r.afi = afi
    r.safi = safi
    r.nlri = nlri
    r.nlriStart = nlriStart
    r.nlriEnd = nlriEnd
  }

  /**
   * One entry: its peer index, originated time, path id (-1: none), the
   * attribute octets attributes[aStart..aEnd) as received, and the next hop
   * octets nextHop[nhStart..nhEnd), used when the attributes have no
   * MP_REACH_NLRI and the family needs one.
   */
  entry(
    peerIndex: number,
    originatedTime: number,
    pathId: number,
    attributes: Uint8Array,
    aStart: number,
    aEnd: number,
    nextHop: Uint8Array | undefined,
    nhStart: number,
    nhEnd: number,
  ): void {
    if (peerIndex >= this.#peers) throw new RecordFault(0, `peer index ${peerIndex} of ${this.#peers} peers`)
    const slots = this.#slots
    const i = slots.count
    const e = slots.add()
    const x = slots.i32
    x[e + PEER] = peerIndex
    x[e + ORIGINATED] = originatedTime
    x[e + PATH_ID] = Math.max(pathId, 0)
    x[e + HAS_ID] = pathId < 0 ? 0 : 1
    x[e + A_START] = aStart
    x[e + A_END] = aEnd
    x[e + NH_START] = nhStart
    x[e + NH_END] = nhEnd
    slots.attrs[i] = attributes
    slots.nextHops[i] = nextHop
  }

  /** Writes the prefix's records. False: await drain() before the next. */
  end(): boolean {
    const slots = this.#slots
    const x = slots.i32
    const full = this.#mode === 'full'
    const r = this.#prefix
    const nlriLength = r.nlriEnd - r.nlriStart
    let plain = 0
    let withIds = 0
    for (let i = 0; i < slots.count; i++) {
      const e = i * SLOT
      const a = slots.attrs[i]!
      scanEntry(x, e, a)
      planEntry(x, e, a, slots.nextHops[i], r.afi, r.safi, nlriLength, full)
      if (x[e + HAS_ID]) withIds++
      else plain++
    }
    let ok = true
    if (plain || !withIds) ok = this.#record(false, plain)
    if (withIds) ok = this.#record(true, withIds)
    slots.clear()
    r.nlri = EMPTY
    return ok
  }

  /** One record of the entries with (addPath) or without path ids. */
  #record(addPath: boolean, count: number): boolean {
    const r = this.#prefix
    const { afi, safi, nlri, nlriStart, nlriEnd } = r
    const slots = this.#slots
    const x = slots.i32
    const want = addPath ? 1 : 0
    const subtype = ribSubtype(afi, safi, addPath, false)
    const generic =
      subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC || subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC_ADDPATH
    let body = 4 + (generic ? 3 : 0) + (nlriEnd - nlriStart) + 2
    for (let i = 0; i < slots.count; i++)
      if (x[i * SLOT + HAS_ID] === want) body += 8 + (addPath ? 4 : 0) + x[i * SLOT + SIZE]!
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
    copy(nlri, nlriStart, nlriEnd, block, p)
    p += nlriEnd - nlriStart
    writeU16(block, p, count)
    p += 2
    for (let i = 0; i < slots.count; i++) {
      const e = i * SLOT
      if (x[e + HAS_ID] !== want) continue
      writeU16(block, p, x[e + PEER]!)
      writeU32(block, p + 2, x[e + ORIGINATED]! >>> 0)
      p += 6
      if (addPath) {
        writeU32(block, p, x[e + PATH_ID]! >>> 0)
        p += 4
      }
      const size = x[e + SIZE]!
      writeU16(block, p, size)
      p += 2
      const end = writeAttributes(block, p, x, e, slots.attrs[i]!, slots.nextHops[i], r)
      if (end - p !== size) throw new Error(`RIB entry attributes: wrote ${end - p} octets, planned ${size}`)
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
