// A TABLE_DUMP_V2 RIB dump (RFC 6396 §4.3, RFC 8050) of the Adj-RIB-In, as
// RIS writes its bview files: a PEER_INDEX_TABLE of the peers that hold
// routes (a peer with none is left out), then one record per prefix with an
// entry per peer path, prefixes in address order within each family,
// families in family-number order. Unicast and multicast IP families get
// their RIB_IPV4/IPV6_* subtypes, every other family RIB_GENERIC; entries
// with path ids (peers that negotiated ADD-PATH) go into the *_ADDPATH twins.
//
// Entries carry the attribute octets the peer sent (AttributeSet.raw), with
// MP_REACH_NLRI reduced to the next hop (mrt/rib-writer.ts). RFC 6396
// §4.3.4 wants 4-octet AS numbers in RIB entries: the sets of a 2-octet
// session are rewritten once each, AS_PATH and AGGREGATOR merged with
// AS4_PATH and AS4_AGGREGATOR (RFC 6793 §4.2.3), which are then dropped.
// RIB_GENERIC has one NLRI per record: paths whose NLRI differ beyond the
// key (labels, say) go into separate records of the same prefix. The
// Originated Time of an entry is when the peer's session came up (the RIB
// keeps no arrival time per path; no path of the session is older).
//
// The event loop stays free. The dump works in slices of a few
// milliseconds and then awaits `pause()` (the caller waits there for the
// file to drain and for a turn of the event loop), so sessions go on
// updating the RIB in between. So the walk never holds a RIB iterator across
// a pause: IP families are walked by prefix ranges (the rest of a range is
// re-asked as the ranges that follow the last prefix written, RIB lookups
// that cost microseconds), other families by merging each peer's listing,
// whose cursors are made to survive changes. A path changed during the dump
// is written as it is when the walk reaches it; none is written twice.

import {
  type Aggregator,
  type AsPathSegment,
  attributeListSize,
  codecContext,
  decodeAttributeList,
  effectivePath,
  encodeAttributeList,
  familyByName,
  familyCodec,
  type Nlri,
  type PathAttribute,
} from '../../bgp/index.ts'
import {
  type MrtOutput,
  MrtRibWriter,
  prefixNlri,
  type RibEntryInput,
  type RibPeer,
} from '../../mrt/index.ts'
import type { AttributeSet, PeerId, Rib, RibEntry, RibRoute } from '../../rib/index.ts'
import { formatPrefix, parsePrefix } from '../../wire/ip.ts'
import { parseRD } from '../../wire/rd.ts'
import { reader } from '../../wire/reader.ts'
import { writer } from '../../wire/writer.ts'

export interface RibDumpPeerInfo {
  readonly asn: number
  readonly bgpId?: string
  /** When the peer's session came up, seconds since the epoch. */
  readonly establishedAt?: number
}

export interface RibDumpOptions {
  readonly rib: Rib
  /** The dump's time, seconds since the epoch: every record's timestamp. */
  readonly timestamp: number
  readonly collectorBgpId: string
  readonly viewName?: string
  /** The AS and BGP identifier of a peer, by address (the RIB's peer name). */
  readonly peerInfo: (address: string) => RibDumpPeerInfo | undefined
  /** Milliseconds of work between pauses (default 8). */
  readonly sliceMs?: number
  /** Awaited between slices: the output drained, a turn of the event loop. Throws to abort the dump. */
  readonly pause: () => Promise<void>
}

export interface RibDumpResult {
  readonly peers: number
  /** Distinct prefixes (keys) written. */
  readonly prefixes: number
  /** RIB entries (paths) written. */
  readonly entries: number
  readonly records: number
}

interface IndexedPeer {
  readonly id: PeerId
  readonly index: number
  readonly originated: number
}

function isIpTrieFamily(afi: number, safi: number): boolean {
  return (
    (afi === 1 || afi === 2) && (safi === 1 || safi === 2 || safi === 4) && !familyCodec(afi, safi).opaque
  )
}

/** A 2-octet session's attribute octets with 4-octet AS numbers (RFC 6396 §4.3.4). */
function widenAs(raw: Uint8Array): Uint8Array {
  const attrs = decodeAttributeList(reader(raw), codecContext({ asn4: false }), { base: 0, list: [] })
  let asPath: readonly AsPathSegment[] | undefined
  let aggregator: Aggregator | undefined
  let as4Path: readonly AsPathSegment[] | undefined
  let as4Aggregator: Aggregator | undefined
  for (const a of attrs) {
    if (a.name === 'AS_PATH') asPath = a.value
    else if (a.name === 'AGGREGATOR') aggregator = a.value
    else if (a.name === 'AS4_PATH') as4Path = a.value
    else if (a.name === 'AS4_AGGREGATOR') as4Aggregator = a.value
  }
  const merged = effectivePath(false, asPath, aggregator, as4Path, as4Aggregator)
  const out: PathAttribute[] = []
  for (const a of attrs) {
    if (a.name === 'AS4_PATH' || a.name === 'AS4_AGGREGATOR') continue
    if (a.name === 'AS_PATH') out.push({ ...a, value: merged.asPath })
    else if (a.name === 'AGGREGATOR' && merged.aggregator) out.push({ ...a, value: merged.aggregator })
    else out.push(a)
  }
  const ctx = codecContext({ asn4: true })
  const buf = new Uint8Array(attributeListSize(out, ctx))
  encodeAttributeList(writer(buf), out, ctx)
  return buf
}

export async function dumpRib(output: MrtOutput, o: RibDumpOptions): Promise<RibDumpResult> {
  const rib = o.rib
  const sliceMs = o.sliceMs ?? 8
  const byId = new Map<PeerId, IndexedPeer>()
  const peers: RibPeer[] = []
  for (const id of rib.peers()) {
    const name = rib.peerName(id)
    if (name === undefined || rib.count(id).paths === 0) continue
    const info = o.peerInfo(name)
    byId.set(id, { id, index: peers.length, originated: info?.establishedAt ?? o.timestamp })
    peers.push({ address: name, asn: info?.asn ?? 0, ...(info?.bgpId ? { bgpId: info.bgpId } : {}) })
  }
  const w = new MrtRibWriter(output, {
    timestamp: o.timestamp,
    collectorBgpId: o.collectorBgpId,
    ...(o.viewName !== undefined ? { viewName: o.viewName } : {}),
    peers,
  })
  let prefixes = 0
  let entries = 0
  const widened = new Map<number, Uint8Array>()
  const attributesOf = (s: AttributeSet): Uint8Array => {
    if (s.asn4) return s.raw
    let v = widened.get(s.id)
    if (!v) {
      if (widened.size > 100_000) widened.clear()
      v = widenAs(s.raw)
      widened.set(s.id, v)
    }
    return v
  }
  let sliceStart = performance.now()
  const due = () => performance.now() - sliceStart >= sliceMs
  const pause = async () => {
    await o.pause()
    sliceStart = performance.now()
  }

  const writeKey = (afi: number, safi: number, prefix: string | undefined, routes: readonly RibRoute[]) => {
    const generic = !(isIpTrieFamily(afi, safi) && safi !== 4)
    const plain: RibEntryInput[] = []
    const byNlri = generic ? new Map<string, { nlri: Uint8Array; list: RibEntryInput[] }>() : undefined
    const codec = generic ? familyCodec(afi, safi) : undefined
    for (const r of routes) {
      const p = byId.get(r.peer)
      if (!p) continue
      const e: RibEntryInput = {
        peerIndex: p.index,
        originatedTime: p.originated,
        ...(r.pathId !== undefined ? { pathId: r.pathId } : {}),
        attributes: attributesOf(r.attributes),
        nextHop: r.attributes.nextHopRaw,
      }
      if (!byNlri) {
        plain.push(e)
        continue
      }
      const nlri = encodeNlri(codec!, r.nlri)
      const k = Buffer.from(nlri.buffer, nlri.byteOffset, nlri.length).toString('latin1')
      let g = byNlri.get(k)
      if (!g) {
        g = { nlri, list: [] }
        byNlri.set(k, g)
      }
      g.list.push(e)
    }
    if (byNlri) {
      for (const g of byNlri.values()) w.add({ afi, safi, nlri: g.nlri, entries: g.list })
      if (byNlri.size) prefixes++
      for (const g of byNlri.values()) entries += g.list.length
    } else if (plain.length) {
      w.add({ afi, safi, nlri: prefixNlri(prefix!, afi), entries: plain })
      prefixes++
      entries += plain.length
    }
  }

  for (const family of rib.families()) {
    const key = familyByName(family)!
    const afi = key >> 8
    const safi = key & 0xff
    if (isIpTrieFamily(afi, safi)) {
      await walkIpFamily(rib, family, afi === 2, (e) => writeKey(afi, safi, e.prefix, e.routes), due, pause)
    } else {
      const order = safi === 128 || safi === 129 ? vpnOrder : (r: RibRoute) => r.key
      await walkListings(
        rib,
        family,
        [...byId.keys()],
        order,
        (routes) => writeKey(afi, safi, routes[0]!.prefix, routes),
        due,
        pause,
      )
    }
  }
  return { peers: peers.length, prefixes, entries, records: w.sequence }
}

function encodeNlri(codec: ReturnType<typeof familyCodec>, n: Nlri): Uint8Array {
  const buf = new Uint8Array(codec.size(n))
  codec.encode(writer(buf), n)
  return buf
}

/**
 * Every entry of an IP family in address order, as ranges of more-specifics:
 * after the entry where a slice ends (K, inside range R), the rest of R is
 * K's more-specifics without K, then for each bit of K from the deepest up
 * to R's length where K goes left, the right-hand sibling's subtree.
 */
async function walkIpFamily(
  rib: Rib,
  family: string,
  v6: boolean,
  emit: (e: RibEntry) => void,
  due: () => boolean,
  pause: () => Promise<void>,
): Promise<void> {
  const stack: { prefix: string; self: boolean }[] = [{ prefix: v6 ? '::/0' : '0.0.0.0/0', self: true }]
  let n = 0
  while (stack.length) {
    const range = stack.pop()!
    let last: string | undefined
    for (const e of rib.moreSpecifics(family, range.prefix, { includeSelf: range.self })) {
      emit(e)
      if ((++n & 31) === 0 && due()) {
        last = e.prefix
        break
      }
    }
    if (last !== undefined) pushRest(stack, range.prefix, last, v6)
    if (due()) await pause()
  }
}

function pushRest(
  stack: { prefix: string; self: boolean }[],
  range: string,
  last: string,
  v6: boolean,
): void {
  const from = parsePrefix(range)!.length
  const k = parsePrefix(last)!
  const width = v6 ? 16 : 4
  for (let i = from; i < k.length; i++) {
    if ((k.address[i >> 3]! >> (7 - (i & 7))) & 1) continue
    const sib = new Uint8Array(width)
    sib.set(k.address.subarray(0, (i >> 3) + 1))
    sib[i >> 3] = (sib[i >> 3]! & (0xff << (8 - (i & 7)))) | (0x80 >> (i & 7))
    stack.push({ prefix: formatPrefix(sib, 0, i + 1, width), self: true })
  }
  stack.push({ prefix: last, self: false })
}

/** VPN keys in the RIB's order: route distinguisher octets, then address, then length. */
function vpnOrder(r: RibRoute): string {
  const rd = parseRD(r.rd ?? '') ?? new Uint8Array(8)
  const p = parsePrefix(r.prefix ?? '')
  if (!p) return r.key
  return `${Buffer.from(rd).toString('hex')}${Buffer.from(p.address).toString('hex')}${p.length.toString(16).padStart(2, '0')}`
}

interface PeerListing {
  readonly peer: PeerId
  routes: readonly RibRoute[]
  keys: string[]
  pos: number
  cursor: string | undefined
  done: boolean
}

/**
 * Every key of a family with all peers' paths, by merging each peer's
 * listing (RIB order) page by page. A page's attribute sets are read as it is
 * fetched, so a pause that lets a set go cannot spoil it.
 */
async function walkListings(
  rib: Rib,
  family: string,
  peers: readonly PeerId[],
  order: (r: RibRoute) => string,
  emit: (routes: RibRoute[]) => void,
  due: () => boolean,
  pause: () => Promise<void>,
): Promise<void> {
  const listings: PeerListing[] = peers.map((peer) => ({
    peer,
    routes: [],
    keys: [],
    pos: 0,
    cursor: undefined,
    done: false,
  }))
  const fill = (l: PeerListing) => {
    if (l.pos < l.routes.length || l.done) return
    const page = rib.list(l.peer, {
      family,
      limit: 1000,
      ...(l.cursor !== undefined ? { cursor: l.cursor } : {}),
    })
    for (const r of page.routes) {
      void r.attributes.raw
      void r.attributes.nextHopRaw
    }
    l.routes = page.routes
    l.keys = page.routes.map(order)
    l.pos = 0
    l.cursor = page.cursor
    l.done = page.cursor === undefined
  }
  let n = 0
  for (;;) {
    let min: string | undefined
    for (const l of listings) {
      fill(l)
      const k = l.keys[l.pos]
      if (k !== undefined && (min === undefined || k < min)) min = k
    }
    if (min === undefined) return
    const routes: RibRoute[] = []
    for (const l of listings) {
      while (l.keys[l.pos] === min) {
        routes.push(l.routes[l.pos++]!)
        fill(l)
      }
    }
    emit(routes)
    if ((++n & 31) === 0 && due()) await pause()
  }
}
