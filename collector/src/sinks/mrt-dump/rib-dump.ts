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
// updating the RIB in between. It reads the RIB through Rib.scan, key by key
// in key order with no object per path, and the scan resumes after the last
// key written: a path held throughout the dump is written once, as the RIB
// holds it when the walk reaches it.

import {
  type Aggregator,
  type AsPathSegment,
  attributeListSize,
  codecContext,
  decodeAttributeList,
  effectivePath,
  encodeAttributeList,
  familyCodec,
  type Nlri,
  type PathAttribute,
} from '../../bgp/index.ts'
import { type MrtOutput, MrtRibWriter, type RibPeer } from '../../mrt/index.ts'
import { type Rib, type RibScan, SET_NEXT_HOP_START, setAsn4, setAttributesStart } from '../../rib/index.ts'
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
  /** Per RIB peer id: its index in the peer table and its entries' Originated Time (none: left out). */
  const indexOf: number[] = []
  const originated: number[] = []
  const peers: RibPeer[] = []
  for (const id of rib.peers()) {
    const name = rib.peerName(id)
    if (name === undefined || rib.count(id).paths === 0) continue
    const info = o.peerInfo(name)
    indexOf[id] = peers.length
    originated[id] = info?.establishedAt ?? o.timestamp
    peers.push({ address: name, asn: info?.asn ?? 0, ...(info?.bgpId ? { bgpId: info.bgpId } : {}) })
  }
  const w = new MrtRibWriter(output, {
    timestamp: o.timestamp,
    collectorBgpId: o.collectorBgpId,
    ...(o.viewName !== undefined ? { viewName: o.viewName } : {}),
    peers,
  })
  const dump = new KeyWriter(w, indexOf, originated)
  let sliceStart = performance.now()
  let n = 0
  const visit = (scan: RibScan): boolean => {
    dump.write(scan)
    return (++n & 31) !== 0 || performance.now() - sliceStart < sliceMs
  }
  for (const family of rib.families()) {
    const scan = rib.scan(family)
    dump.ip = isIpTrieFamily(scan.afi, scan.safi) && scan.safi !== 4
    while (!scan.prepare(sliceMs)) await o.pause()
    sliceStart = performance.now()
    while (!scan.run(visit)) {
      await o.pause()
      // Set ids may name other sets once the RIB has changed.
      dump.widened.clear()
      sliceStart = performance.now()
    }
  }
  return { peers: peers.length, prefixes: dump.prefixes, entries: dump.entries, records: w.sequence }
}

/** Writes the record(s) of the key a scan is at. */
class KeyWriter {
  readonly w: MrtRibWriter
  readonly indexOf: readonly number[]
  readonly originated: readonly number[]
  /** A 2-octet session's sets with 4-octet AS numbers, by set id (valid until the RIB changes). */
  readonly widened = new Map<number, Uint8Array>()
  /** <length, prefix octets> of the key. */
  readonly nlri = new Uint8Array(17)
  prefixes = 0
  entries = 0

  constructor(w: MrtRibWriter, indexOf: readonly number[], originated: readonly number[]) {
    this.w = w
    this.indexOf = indexOf
    this.originated = originated
  }

  /** The family being written is IP unicast or multicast (else: RIB_GENERIC). */
  ip = false

  write(scan: RibScan): void {
    if (this.ip) this.writeIp(scan)
    else this.writeGeneric(scan)
  }

  /** Unicast and multicast: one RIB_IPV4/IPV6_* record (and its ADDPATH twin) from the key's octets. */
  private writeIp(scan: RibScan): void {
    const len = scan.prefixLength
    const nb = (len + 7) >>> 3
    const nlri = this.nlri
    nlri[0] = len
    for (let i = 0; i < nb; i++) nlri[1 + i] = scan.address[i]!
    this.w.begin(scan.afi, scan.safi, nlri, 0, 1 + nb)
    let count = 0
    for (let i = 0; i < scan.paths; i++) if (this.entry(scan, i)) count++
    if (count === 0) return
    this.w.end()
    this.prefixes++
    this.entries += count
  }

  /** Path i as an entry of the record begun; false if its peer is left out. */
  private entry(scan: RibScan, i: number): boolean {
    const peer = scan.peer(i)
    const index = this.indexOf[peer]
    if (index === undefined) return false
    const set = scan.set(i)
    const attrs = setAttributesStart(set)
    const pathId = scan.pathId(i) ?? -1
    if (setAsn4(set)) {
      this.w.entry(
        index,
        this.originated[peer]!,
        pathId,
        set,
        attrs,
        set.length,
        set,
        SET_NEXT_HOP_START,
        attrs,
      )
      return true
    }
    const id = scan.setId(i)
    let wide = this.widened.get(id)
    if (!wide) {
      if (this.widened.size > 100_000) this.widened.clear()
      wide = widenAs(set.subarray(attrs))
      this.widened.set(id, wide)
    }
    this.w.entry(index, this.originated[peer]!, pathId, wide, 0, wide.length, set, SET_NEXT_HOP_START, attrs)
    return true
  }

  /**
   * RIB_GENERIC (labeled, VPN and every other family): one NLRI per record,
   * so paths whose NLRI differ beyond the key (labels, say) go into records
   * of their own.
   */
  private writeGeneric(scan: RibScan): void {
    const codec = familyCodec(scan.afi, scan.safi)
    const groups: { nlri: Uint8Array; paths: number[] }[] = []
    for (let i = 0; i < scan.paths; i++) {
      if (this.indexOf[scan.peer(i)] === undefined) continue
      const nlri = encodeNlri(codec, scan.nlri(i)!)
      let g = groups.find((x) => sameOctets(x.nlri, nlri))
      if (!g) {
        g = { nlri, paths: [] }
        groups.push(g)
      }
      g.paths.push(i)
    }
    if (!groups.length) return
    for (const g of groups) {
      this.w.begin(scan.afi, scan.safi, g.nlri, 0, g.nlri.length)
      for (const i of g.paths) this.entry(scan, i)
      this.w.end()
      this.entries += g.paths.length
    }
    this.prefixes++
  }
}

function sameOctets(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function encodeNlri(codec: ReturnType<typeof familyCodec>, n: Nlri): Uint8Array {
  const buf = new Uint8Array(codec.size(n))
  codec.encode(writer(buf), n)
  return buf
}
