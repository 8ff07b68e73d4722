// The exporter's encoders: messages written straight into a station's
// output block, with the peer's per-peer header copied from its template
// (peers.ts) and patched (A flag, timestamp); the UPDATEs of the initial
// dump packed from the Adj-RIB-In, prefixes that share an attribute set in
// one UPDATE, as a router's Adj-RIB-Out would send them (RFC 4271 §9.2);
// End-of-RIB markers (RFC 4724 §2).

import { type FamilyKey, familyByName, familyCodec, familyKey, type IpPrefixNlri } from '../../bgp/index.ts'
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
import type { RibRoute } from '../../rib/index.ts'
import { prefixTextNlri } from '../../wire/ip.ts'
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
  readonly key: number
  readonly family: FamilyKey
  readonly attributes: Uint8Array
  readonly nextHop: Uint8Array
  /** IPv4 unicast with NEXT_HOP among the attributes: the NLRI field, no MP_REACH_NLRI. */
  readonly classic: boolean
  readonly asn4: boolean
  /** The listing page in which the set was last seen to be this one (an id is reused once its set goes). */
  page: number
  nlri: Uint8Array[]
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

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function updateLength(g: Group, nlriOctets: number): number {
  return 23 + g.attributes.length + nlriOctets + (g.classic ? 0 : 9 + g.nextHop.length)
}

function buildUpdate(g: Group): Uint8Array {
  const length = updateLength(g, g.octets)
  const b = new Uint8Array(length)
  b.fill(0xff, 0, 16)
  b[16] = length >> 8
  b[17] = length & 0xff
  b[18] = 2
  const attrLength = length - 23 - (g.classic ? g.octets : 0)
  b[21] = attrLength >> 8
  b[22] = attrLength & 0xff
  let p = 23
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
    for (const n of g.nlri) {
      b.set(n, p)
      p += n.length
    }
    b.set(g.attributes, p)
  } else {
    b.set(g.attributes, p)
    p += g.attributes.length
    for (const n of g.nlri) {
      b.set(n, p)
      p += n.length
    }
  }
  return b
}

const familyKeys = new Map<string, FamilyKey>()

/** Open groups at most (default): past it, the oldest is sent. */
const MAX_GROUPS = 1 << 16

/**
 * Packs one peer's routes, listing page after listing page, into UPDATEs by
 * family and attribute set; `emit` gets each UPDATE and its AS width. Groups
 * stay open across pages, so that prefixes far apart in address order that
 * share a set share messages; an open group holds copies of the set's octets
 * (taken as the page is read), never a RIB reference. What the owner writes
 * of the peer while groups are open must wait until they are sent (a live
 * UPDATE is newer than what the dump read before it): station.ts holds such
 * messages back and sends the groups in slices (flushSome) first.
 * Path ids are written for the families where the session receives them.
 */
export class RoutePacker {
  private readonly groups = new Map<number, Group>()
  private readonly addPath: ReadonlySet<FamilyKey>
  private readonly emit: (update: Uint8Array, asn4: boolean) => void
  private readonly maxGroups: number
  private page = 0

  constructor(
    addPath: ReadonlySet<FamilyKey>,
    emit: (update: Uint8Array, asn4: boolean) => void,
    maxGroups = MAX_GROUPS,
  ) {
    this.addPath = addPath
    this.emit = emit
    this.maxGroups = maxGroups
  }

  /** One listing page of the peer's routes, read now. */
  add(routes: readonly RibRoute[]): void {
    const page = ++this.page
    for (const r of routes) {
      let family = familyKeys.get(r.family)
      if (family === undefined) {
        family = familyByName(r.family)!
        familyKeys.set(r.family, family)
      }
      const set = r.attributes
      const key = set.id * 0x1000000 + family
      let g = this.groups.get(key)
      if (g && g.page !== page) {
        // Seen in an earlier page: still the same set?
        if (same(g.attributes, set.raw) && same(g.nextHop, set.nextHopRaw) && g.asn4 === set.asn4)
          g.page = page
        else {
          this.send(g)
          this.groups.delete(key)
          g = undefined
        }
      }
      if (!g) {
        if (this.groups.size >= this.maxGroups) {
          const oldest = this.groups.values().next().value!
          this.send(oldest)
          this.groups.delete(oldest.key)
        }
        const attributes = set.raw
        const nextHop = set.nextHopRaw
        g = {
          key,
          family,
          attributes,
          nextHop,
          classic: family === IPV4_UNICAST && nextHop.length === 4 && hasNextHop(attributes),
          asn4: set.asn4,
          page,
          nlri: [],
          octets: 0,
        }
        this.groups.set(key, g)
      }
      const n = nlriOf(r, family, this.addPath.has(family))
      if (g.nlri.length && updateLength(g, g.octets + n.length) > MAX_UPDATE) this.send(g)
      g.nlri.push(n)
      g.octets += n.length
    }
  }

  /** Open groups. */
  get size(): number {
    return this.groups.size
  }

  /** Sends every open group. */
  flush(): void {
    for (const g of this.groups.values()) this.send(g)
    this.groups.clear()
  }

  /** Sends the `n` oldest open groups; returns how many stay open. */
  flushSome(n: number): number {
    for (const g of this.groups.values()) {
      if (n-- <= 0) break
      this.send(g)
      this.groups.delete(g.key)
    }
    return this.groups.size
  }

  /** Drops every open group unsent (the peer's session went down). */
  discard(): void {
    this.groups.clear()
  }

  private send(g: Group): void {
    if (!g.nlri.length) return
    this.emit(buildUpdate(g), g.asn4)
    g.nlri = []
    g.octets = 0
  }
}

function nlriOf(r: RibRoute, family: FamilyKey, addPath: boolean): Uint8Array {
  const afi = family >> 8
  const safi = family & 0xff
  // Unicast and multicast prefixes straight from their text; every other family by its codec.
  let body =
    (afi === 1 || afi === 2) && (safi === 1 || safi === 2) && r.prefix !== undefined
      ? prefixTextNlri(r.prefix, afi === 2 ? 16 : 4)
      : undefined
  if (!body) {
    const codec = familyCodec(afi, safi)
    body = new Uint8Array(codec.size(r.nlri as IpPrefixNlri))
    codec.encode(writer(body), r.nlri as IpPrefixNlri)
  }
  if (!addPath) return body
  const out = new Uint8Array(4 + body.length)
  const id = r.pathId ?? 0
  out[0] = id >>> 24
  out[1] = (id >>> 16) & 0xff
  out[2] = (id >>> 8) & 0xff
  out[3] = id & 0xff
  out.set(body, 4)
  return out
}
