// The exporter's encoders: messages written straight into a station's
// output block, with the peer's per-peer header copied from its template
// (peers.ts) and patched (A flag, timestamp); the UPDATEs of the initial
// dump packed from the Adj-RIB-In, prefixes that share an attribute set in
// one UPDATE, as a router's Adj-RIB-Out would send them (RFC 4271 §9.2);
// End-of-RIB markers (RFC 4724 §2).

import { type FamilyKey, familyCodec, familyKey, type IpPrefixNlri } from '../../bgp/index.ts'
import {
  BMP_COMMON_HEADER_LENGTH,
  BMP_MESSAGE_TYPE,
  BMP_PEER_FLAG,
  BMP_PEER_HEADER_LENGTH,
  type BmpMessage,
  bmpMessageSize,
  writeBmpHeader,
  writeBmpMessage,
} from '../../bmp/index.ts'
import {
  type PeerId,
  type RibScan,
  SET_NEXT_HOP_START,
  setAsn4,
  setAttributesStart,
} from '../../rib/index.ts'
import { writer } from '../../wire/writer.ts'
import type { TrackedPeer } from './peers.ts'

/** Largest UPDATE the dump packs (RFC 4271 §4.1); one route bigger than this still goes alone. */
export const MAX_UPDATE = 4096
const RM_OVERHEAD = BMP_COMMON_HEADER_LENGTH + BMP_PEER_HEADER_LENGTH
const IPV4_UNICAST = familyKey(1, 1)

/** Bytes waiting for a socket write, in one growing block per flush. */
export class OutBlock {
  buf: Uint8Array
  pos = 0
  /** Messages written since the block was taken. */
  messages = 0

  constructor(size = 256 * 1024) {
    this.buf = new Uint8Array(size)
  }

  /** Room for n octets; returns the offset to write at (the block may be replaced by a larger copy). */
  reserve(n: number): number {
    if (this.pos + n > this.buf.length) {
      const b = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
      b.set(this.buf.subarray(0, this.pos))
      this.buf = b
    }
    return this.pos
  }

  /** The bytes written so far; the block starts over (a fresh buffer: the socket keeps the old one). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos)
    this.buf = new Uint8Array(Math.min(this.buf.length, 1 << 20))
    this.pos = 0
    this.messages = 0
    return out
  }
}

/** A Route Monitoring message for `update` (a whole BGP UPDATE) of peer p. */
export function writeRouteMonitoring(
  out: OutBlock,
  p: TrackedPeer,
  asn4: boolean,
  timeUs: number,
  update: Uint8Array,
): void {
  const n = RM_OVERHEAD + update.length
  const at = out.reserve(n)
  const b = out.buf
  writeBmpHeader(b, at, n, BMP_MESSAGE_TYPE.ROUTE_MONITORING)
  const h = at + BMP_COMMON_HEADER_LENGTH
  b.set(p.header, h)
  if (!asn4) b[h + 1]! |= BMP_PEER_FLAG.A
  const seconds = Math.floor(timeUs / 1e6)
  const micros = Math.round(timeUs - seconds * 1e6)
  writeU32(b, h + 34, seconds)
  writeU32(b, h + 38, micros)
  b.set(update, at + RM_OVERHEAD)
  out.pos = at + n
  out.messages++
}

/** A Route Monitoring message on its own. */
export function routeMonitoringMessage(
  p: TrackedPeer,
  asn4: boolean,
  timeUs: number,
  update: Uint8Array,
): Uint8Array {
  const one = new OutBlock(RM_OVERHEAD + update.length)
  writeRouteMonitoring(one, p, asn4, timeUs, update)
  return one.buf.subarray(0, one.pos)
}

/** Any message, through the codec (the rare ones: Initiation, Peer Up/Down, Statistics, Termination). */
export function writeMessage(out: OutBlock, m: BmpMessage): void {
  const n = bmpMessageSize(m)
  const at = out.reserve(n)
  writeBmpMessage(writer(out.buf, at, at + n), m)
  out.pos = at + n
  out.messages++
}

function writeU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24
  b[p + 1] = (v >>> 16) & 0xff
  b[p + 2] = (v >>> 8) & 0xff
  b[p + 3] = v & 0xff
}

/** The End-of-RIB marker of a family: an empty UPDATE (IPv4 unicast), else an empty MP_UNREACH_NLRI. */
export function endOfRib(f: FamilyKey): Uint8Array {
  if (f === IPV4_UNICAST) return Uint8Array.of(...new Array(16).fill(0xff), 0, 23, 2, 0, 0, 0, 0)
  const b = new Uint8Array(29)
  b.fill(0xff, 0, 16)
  b[17] = 29
  b[18] = 2
  b[22] = 6
  b[23] = 0x80
  b[24] = 15
  b[25] = 3
  b[26] = f >> 16
  b[27] = (f >> 8) & 0xff
  b[28] = f & 0xff
  return b
}

interface Group {
  readonly setId: number
  readonly family: FamilyKey
  /** Still in its family's map (not sent and closed). */
  open: boolean
  /** Copies of the set's octets (the RIB's change once the dump pauses). */
  readonly attributes: Uint8Array
  readonly nextHop: Uint8Array
  /** IPv4 unicast with NEXT_HOP among the attributes: the NLRI field, no MP_REACH_NLRI. */
  readonly classic: boolean
  readonly asn4: boolean
  /** The run of reads in which the set was last seen to be this one (an id is reused once its set goes). */
  page: number
  /** The NLRI octets packed so far, nlri[0..octets). */
  nlri: Uint8Array
  octets: number
}

function hasNextHop(a: Uint8Array): boolean {
  let p = 0
  while (p + 3 <= a.length) {
    const ext = (a[p]! & 0x10) !== 0
    if (a[p + 1] === 3) return true
    p += (ext ? 4 : 3) + (ext ? (a[p + 2]! << 8) | (a[p + 3] ?? 0) : a[p + 2]!)
  }
  return false
}

/** a equals b[start..end). */
function same(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false
  return true
}

function updateLength(g: Group, nlriOctets: number): number {
  return 23 + g.attributes.length + nlriOctets + (g.classic ? 0 : 9 + g.nextHop.length)
}

/** Writes g's UPDATE into b (at least updateLength(g, g.octets) long); returns its length. */
function buildUpdate(g: Group, b: Uint8Array): number {
  const length = updateLength(g, g.octets)
  b.fill(0xff, 0, 16)
  b[16] = length >> 8
  b[17] = length & 0xff
  b[18] = 2
  b[19] = 0
  b[20] = 0
  const attrLength = length - 23 - (g.classic ? g.octets : 0)
  b[21] = attrLength >> 8
  b[22] = attrLength & 0xff
  let p = 23
  const nlri = g.nlri.subarray(0, g.octets)
  if (!g.classic) {
    // MP_REACH_NLRI first (RFC 4760 §3), extended length.
    const v = 5 + g.nextHop.length + g.octets
    b[p++] = 0x90
    b[p++] = 14
    b[p++] = v >> 8
    b[p++] = v & 0xff
    b[p++] = g.family >> 16
    b[p++] = (g.family >> 8) & 0xff
    b[p++] = g.family & 0xff
    b[p++] = g.nextHop.length
    b.set(g.nextHop, p)
    p += g.nextHop.length
    b[p++] = 0
    b.set(nlri, p)
    p += g.octets
    b.set(g.attributes, p)
  } else {
    b.set(g.attributes, p)
    p += g.attributes.length
    b.set(nlri, p)
  }
  return length
}

/** Open groups at most (default): past it, the oldest is sent. */
const MAX_GROUPS = 1 << 16

/**
 * Packs one peer's routes, read a key at a time from RIB scans (Rib.scan),
 * into UPDATEs by family and attribute set; `emit` gets each UPDATE (a view
 * of a scratch buffer, valid during the call) and its AS width. Groups stay open across runs of reads (page()), so that prefixes
 * far apart in address order that share a set share messages; an open group
 * holds copies of the set's octets, never a RIB reference. What the owner
 * writes of the peer while groups are open must wait until they are sent (a
 * live UPDATE is newer than what the dump read before it): station.ts holds
 * such messages back and sends the groups in slices (flushSome) first.
 * Path ids are written for the families where the session receives them.
 */
export class RoutePacker {
  /** Open groups by family, then set id (small integers: the fastest Map keys). */
  private readonly groups = new Map<FamilyKey, Map<number, Group>>()
  private openCount = 0
  private readonly addPath: ReadonlySet<FamilyKey>
  private readonly emit: (update: Uint8Array, asn4: boolean) => void
  private readonly maxGroups: number
  private pageNo = 0
  /** Groups in the order they were opened (some closed since), from `head`: the oldest first. */
  private opened: Group[] = []
  private head = 0
  /** Where each UPDATE is built. */
  private scratch = new Uint8Array(MAX_UPDATE)
  /** One NLRI, encoded by its family's codec (families other than IP unicast/multicast). */
  private readonly one = new Uint8Array(MAX_UPDATE)

  constructor(
    addPath: ReadonlySet<FamilyKey>,
    emit: (update: Uint8Array, asn4: boolean) => void,
    maxGroups = MAX_GROUPS,
  ) {
    this.addPath = addPath
    this.emit = emit
    this.maxGroups = maxGroups
  }

  /** Starts a run of reads: the RIB may have changed since the last (set ids reused). */
  page(): void {
    this.pageNo++
  }

  /** The paths of `peer` at the key `scan` is visiting, read now; returns how many. */
  add(scan: RibScan, peer: PeerId): number {
    const family = familyKey(scan.afi, scan.safi)
    const addPath = this.addPath.has(family)
    const ip = (scan.afi === 1 || scan.afi === 2) && (scan.safi === 1 || scan.safi === 2)
    let added = 0
    for (let i = 0; i < scan.paths; i++) {
      if (scan.peer(i) !== peer) continue
      const g = this.group(scan, i, family)
      // <path id> <NLRI>: IP prefixes from the key's octets, any other family by its codec.
      let body: Uint8Array
      let bodyLength: number
      if (ip) {
        const len = scan.prefixLength
        bodyLength = 1 + ((len + 7) >>> 3)
        body = scan.address
      } else {
        const codec = familyCodec(scan.afi, scan.safi)
        const n = scan.nlri(i)! as IpPrefixNlri
        bodyLength = codec.size(n)
        body = bodyLength <= this.one.length ? this.one : new Uint8Array(bodyLength)
        codec.encode(writer(body), n)
      }
      const n = (addPath ? 4 : 0) + bodyLength
      if (g.octets && updateLength(g, g.octets + n) > MAX_UPDATE) this.send(g)
      if (g.octets + n > g.nlri.length) {
        const grown = new Uint8Array(Math.max(g.nlri.length * 2, g.octets + n))
        grown.set(g.nlri.subarray(0, g.octets))
        g.nlri = grown
      }
      const b = g.nlri
      let p = g.octets
      if (addPath) {
        const id = scan.pathId(i) ?? 0
        b[p++] = id >>> 24
        b[p++] = (id >>> 16) & 0xff
        b[p++] = (id >>> 8) & 0xff
        b[p++] = id & 0xff
      }
      if (ip) {
        b[p++] = scan.prefixLength
        for (let k = 0; k < bodyLength - 1; k++) b[p++] = body[k]!
      } else {
        for (let k = 0; k < bodyLength; k++) b[p++] = body[k]!
      }
      g.octets = p
      added++
    }
    return added
  }

  /** The open group of path i's set and family, made (or started over) as needed. */
  private group(scan: RibScan, i: number, family: FamilyKey): Group {
    const set = scan.set(i)
    const attrs = setAttributesStart(set)
    const asn4 = setAsn4(set)
    const setId = scan.setId(i)
    let open = this.groups.get(family)
    if (!open) {
      open = new Map()
      this.groups.set(family, open)
    }
    let g = open.get(setId)
    if (g && g.page !== this.pageNo) {
      // Seen in an earlier run: still the same set?
      if (
        g.asn4 === asn4 &&
        same(g.attributes, set, attrs, set.length) &&
        same(g.nextHop, set, SET_NEXT_HOP_START, attrs)
      )
        g.page = this.pageNo
      else {
        this.close(g)
        g = undefined
      }
    }
    if (g) return g
    if (this.openCount >= this.maxGroups) this.sendOldest()
    const attributes = set.slice(attrs)
    const nextHop = set.slice(SET_NEXT_HOP_START, attrs)
    g = {
      setId,
      family,
      open: true,
      attributes,
      nextHop,
      classic: family === IPV4_UNICAST && nextHop.length === 4 && hasNextHop(attributes),
      asn4,
      page: this.pageNo,
      nlri: new Uint8Array(64),
      octets: 0,
    }
    open.set(setId, g)
    this.openCount++
    this.opened.push(g)
    return g
  }

  /** Sends g and takes it out of the open groups. */
  private close(g: Group): void {
    this.send(g)
    g.open = false
    this.groups.get(g.family)!.delete(g.setId)
    this.openCount--
  }

  /** Sends and closes the oldest open group (a queue: a Map's first entry is slow to find after many deletes). */
  private sendOldest(): void {
    while (this.head < this.opened.length) {
      const g = this.opened[this.head++]!
      if (!g.open) continue
      this.close(g)
      break
    }
    if (this.head > 4096 && this.head * 2 > this.opened.length) {
      this.opened = this.opened.slice(this.head)
      this.head = 0
    }
  }

  /** Open groups. */
  get size(): number {
    return this.openCount
  }

  /** Sends every open group. */
  flush(): void {
    for (let i = this.head; i < this.opened.length; i++) if (this.opened[i]!.open) this.send(this.opened[i]!)
    this.clear()
  }

  /** Sends the `n` oldest open groups; returns how many stay open. */
  flushSome(n: number): number {
    while (n-- > 0 && this.openCount > 0) this.sendOldest()
    if (this.openCount === 0) this.clear()
    return this.openCount
  }

  /** Drops every open group unsent (the peer's session went down). */
  discard(): void {
    this.clear()
  }

  private clear(): void {
    this.groups.clear()
    this.openCount = 0
    this.opened = []
    this.head = 0
  }

  private send(g: Group): void {
    if (!g.octets) return
    const need = updateLength(g, g.octets)
    if (need > this.scratch.length) this.scratch = new Uint8Array(need)
    const n = buildUpdate(g, this.scratch)
    this.emit(this.scratch.subarray(0, n), g.asn4)
    g.octets = 0
  }
}
