// `--format bgpdump`: the output of `bgpdump -m` (and `-M`), byte for byte,
// so that scripts written for bgpdump 1.6 (Debian's bgpdump 1.6.2) work on
// Routelake's output unchanged. Options as bgpdump's: -M human-readable times,
// -t change (RIB lines carry the route's originated time), -p (the entry
// number after the type), -l (large communities after communities).
//
// Lines, as bgpdump writes them:
//   BGP4MP|time|A|peer|peer AS|prefix|AS path|origin|next hop|local pref|MED|communities|AG or NAG|aggregator|
//   BGP4MP|time|W|peer|peer AS|prefix
//   BGP4MP|time|STATE|peer|peer AS|old state|new state
//   TABLE_DUMP2|time|B|peer|peer AS|prefix|AS path|origin|next hop|local pref|MED|communities|AG|aggregator|
//   TABLE_DUMP|…same…, BGP|… for the legacy type 5.
// BGP4MP becomes BGP4MP_ET (time with .microseconds), BGP4MP_LOCAL, _AP
// (ADD-PATH: the path id after the prefix), TABLE_DUMP2_AP. Records bgpdump
// prints nothing for print nothing here either: OPEN, NOTIFICATION,
// KEEPALIVE, ROUTE-REFRESH, PEER_INDEX_TABLE, RIB_GENERIC and multicast RIBs,
// families other than IPv4/IPv6 unicast and multicast, OSPF/IS-IS. The
// record is read from its octets with bgpdump's own tolerances
// (bgpdump-attrs.ts), not with the codec, since the point is its output.

import type { MrtRecord } from '../../collector/src/mrt/index.ts'
import {
  BgpdumpAttrs,
  type MpNlri,
  PrefixList as Prefixes,
  type PrefixList,
  readPrefixList,
} from './bgpdump-attrs.ts'
import { emptyRoute, type MrtFilter, type RouteInfo, type RouteKind } from './filter.ts'
import { Out } from './out.ts'

export interface BgpdumpOptions {
  /** -M: times as MM/DD/YY HH:MM:SS (UTC) and shorter announcement lines. */
  readonly human?: boolean
  /** -t change: RIB lines show the entry's originated time instead of the dump's. */
  readonly timeChange?: boolean
  /** -p: the entry number after the line type. */
  readonly packetIndex?: boolean
  /** -l: large communities after the communities. */
  readonly largeCommunities?: boolean
  /** Only lines whose route the filter accepts. */
  readonly filter?: MrtFilter
}

interface Peer {
  readonly ipv6: boolean
  readonly address: Uint8Array // 16 octets, zero-filled
  readonly asn: number
}

function getN(b: Uint8Array, p: number, end: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + (p + i < end ? b[p + i]! : 0)
  return v
}

/** n octets of b from p (zero-filled past end) into a 16-octet address. */
function address(b: Uint8Array, p: number, end: number, n: number, into = new Uint8Array(16)): Uint8Array {
  const take = Math.max(0, Math.min(n, end - p, 16))
  for (let i = 0; i < take; i++) into[i] = b[p + i]!
  for (let i = take; i < 16; i++) into[i] = 0
  return into
}

// bgpdump 1.6.2 treats only MESSAGE_LOCAL and MESSAGE_AS4_LOCAL as sent
// messages (BGP4MP_LOCAL lines, the first AS and address: the peer's); the
// LOCAL_ADDPATH subtypes come out as BGP4MP_AP lines with the second AS and
// address, which its parser took for the source.
const LOCAL = new Set([6, 7])
const SECOND_FIELDS = new Set([10, 11])
const ADDPATH = new Set([8, 9, 10, 11])
const AS4 = new Set([4, 5, 7, 9, 11])

export class BgpdumpFormatter {
  readonly #out: Out
  readonly #human: boolean
  readonly #timeChange: boolean
  readonly #showIndex: boolean
  readonly #large: boolean
  readonly #filter: MrtFilter | undefined
  readonly #route: RouteInfo = emptyRoute()
  /** The message being written: its record, peer and AS width (for the filter). */
  readonly #msg: { rec: MrtRecord | undefined; peer: Uint8Array; width: number; as: number; asn4: boolean } =
    {
      rec: undefined,
      peer: new Uint8Array(16),
      width: 4,
      as: 0,
      asn4: true,
    }
  #peers: Peer[] | undefined
  /** bgpdump's packet_index: records it parsed successfully so far. */
  #entries = 0
  readonly #attrs = new BgpdumpAttrs()
  readonly #withdrawn = new Prefixes()
  readonly #announced = new Prefixes()
  readonly #time = new Out(undefined, 64)
  readonly #head = new Out(undefined, 256)
  readonly #tail = new Out(undefined, 4096)
  readonly #prefix = new Out(undefined, 128)
  readonly #a = new Uint8Array(16)
  readonly #b = new Uint8Array(16)
  /** Lines written. */
  lines = 0

  constructor(out: Out, options: BgpdumpOptions = {}) {
    this.#out = out
    this.#human = options.human ?? false
    this.#timeChange = options.timeChange ?? false
    this.#showIndex = options.packetIndex ?? false
    this.#large = options.largeCommunities ?? false
    this.#filter = options.filter && !options.filter.empty ? options.filter : undefined
  }

  /** The filter's verdict on the line about to be written (true without a filter). */
  #accept(
    rec: MrtRecord,
    kind: RouteKind,
    peer: Uint8Array,
    peerWidth: number,
    peerAs: number,
    afi: number,
    safi: number,
    prefix: Uint8Array | undefined,
    prefixOffset: number,
    prefixLength: number,
    asn4: boolean,
  ): boolean {
    const f = this.#filter
    if (!f) return true
    const r = this.#route
    r.kind = kind
    r.type = rec.type
    r.subtype = rec.subtype
    r.peer = peer.subarray(0, peerWidth)
    r.peerAs = peerAs
    r.afi = afi
    r.safi = safi
    r.prefix = prefix
    r.prefixOffset = prefixOffset
    r.prefixLength = prefixLength
    const a = this.#attrs
    r.attributes = kind === 'rib' || kind === 'announce' ? a.buf : undefined
    r.attributesStart = a.blockStart
    r.attributesEnd = a.blockEnd
    r.asn4 = asn4
    return f.route(r)
  }

  /** Writes the lines of one record. */
  record(rec: MrtRecord): void {
    if (this.#handle(rec)) this.#entries++
  }

  /** Returns whether bgpdump would count the record as an entry (for -p). */
  #handle(rec: MrtRecord): boolean {
    switch (rec.type) {
      case 5:
        return this.#legacy(rec)
      case 12:
        return this.#tableDump(rec)
      case 13:
        return this.#tableDumpV2(rec)
      case 16:
      case 17:
        return this.#bgp4mp(rec)
      default:
        return false
    }
  }

  // --- line pieces ------------------------------------------------------------------

  #setTime(seconds: number, micros: number | undefined): void {
    const t = this.#time
    t.pos = 0
    if (this.#human) t.humanTime(seconds)
    else t.uint(seconds)
    if (micros !== undefined) {
      // ".%06ld"
      t.byte(46)
      for (let d = 100000; d > 1 && micros < d; d /= 10) t.byte(48)
      t.uint(micros)
    }
  }

  /** "FORMAT|[index|]time|KIND|" */
  #lineStart(format: string, kind: string): void {
    const o = this.#out
    o.ascii(format)
    o.byte(124)
    if (this.#showIndex) {
      o.uint(this.#entries)
      o.byte(124)
    }
    o.bytes(this.#time.buf, 0, this.#time.pos)
    o.byte(124)
    o.ascii(kind)
    o.byte(124)
  }

  #lineEnd(): void {
    this.#out.byte(10)
    this.lines++
    this.#out.lineDone()
  }

  /** The attribute fields after the AS path, "-m" style: "|next hop|pref|med|comm|[lcomm|]AG|agg|". */
  #restOfLine(t: Out, nexthop: () => void, signedNumbers = false): void {
    const a = this.#attrs
    nexthop()
    t.byte(124)
    const pref = a.has(5) ? a.localPref : 0
    const med = a.has(4) ? a.med : 0
    if (signedNumbers) t.int32(pref)
    else t.uint(pref)
    t.byte(124)
    if (signedNumbers) t.int32(med)
    else t.uint(med)
    t.byte(124)
    this.#communityFields(t)
  }

  /** "comm|[lcomm|]AG|agg|" */
  #communityFields(t: Out): void {
    const a = this.#attrs
    if (a.has(8)) a.communities(t)
    t.byte(124)
    if (this.#large) {
      if (a.has(32)) a.largeCommunities(t)
      t.byte(124)
    }
    t.ascii(a.has(6) ? 'AG' : 'NAG')
    t.byte(124)
    this.#aggregator(t)
  }

  #aggregator(t: Out): void {
    const a = this.#attrs
    if (a.aggregatorAddr !== 0xffffffff) {
      t.uint(a.aggregatorAs >>> 0)
      t.byte(32)
      t.ipv4n(a.aggregatorAddr)
    }
    t.byte(124)
  }

  #origin(t: Out): void {
    const o = this.#attrs.origin
    t.ascii(o === 0 ? 'IGP' : o === 1 ? 'EGP' : 'INCOMPLETE')
  }

  /** "aspath|origin" */
  #pathOrigin(t: Out): void {
    this.#attrs.aspath(t)
    t.byte(124)
    this.#origin(t)
  }

  // --- TABLE_DUMP_V2 ------------------------------------------------------------------

  #tableDumpV2(rec: MrtRecord): boolean {
    const b = rec.raw
    const end = b.length
    let p = rec.bodyStart
    const st = rec.subtype
    if (st === 1) {
      this.#peerIndex(b, p, end)
      return false
    }
    if (st !== 2 && st !== 4 && st !== 8 && st !== 10) return false
    const v6 = st === 4 || st === 10
    const addPath = st === 8 || st === 10
    p += 4 // sequence
    const plen = getN(b, p, end, 1)
    p = Math.min(p + 1, end)
    const pbytes = (plen + 7) >> 3
    const prefix = address(b, p, end, pbytes, this.#a)
    p = Math.min(p + pbytes, end)
    const count = getN(b, p, end, 2)
    p = Math.min(p + 2, end)
    const peers = this.#peers
    if (count && !peers) return false
    const pt = this.#prefix
    pt.pos = 0
    if (v6) pt.ipv6(prefix, 0)
    else pt.ipv4(prefix, 0)
    pt.byte(47)
    pt.uint(plen)
    pt.byte(124)
    const format = addPath ? 'TABLE_DUMP2_AP' : 'TABLE_DUMP2'
    // bgpdump 1.6.2's -t change shows 0 for TABLE_DUMP_V2 lines: it points at
    // a variable that is out of scope by the time the time is formatted.
    this.#setTime(this.#timeChange ? 0 : rec.timestamp, undefined)
    const a = this.#attrs
    const o = this.#out
    for (let i = 0; i < count; i++) {
      const index = getN(b, p, end, 2)
      p = Math.min(p + 6, end) // peer index, originated time
      let pathId = 0
      if (addPath) {
        pathId = getN(b, p, end, 4)
        p = Math.min(p + 4, end)
      }
      p = a.read(b, p, end, 4, addPath)
      const peer = peers![index]
      if (!peer) continue
      if (
        this.#filter &&
        !this.#accept(
          rec,
          'rib',
          peer.address,
          peer.ipv6 ? 16 : 4,
          peer.asn,
          v6 ? 2 : 1,
          1,
          prefix,
          0,
          plen,
          true,
        )
      ) {
        continue
      }
      this.#lineStart(format, 'B')
      if (peer.ipv6) o.ipv6(peer.address, 0)
      else o.ipv4(peer.address, 0)
      o.byte(124)
      o.uint(peer.asn)
      o.byte(124)
      o.bytes(pt.buf, 0, pt.pos)
      if (addPath) {
        o.uint(pathId)
        o.byte(124)
      }
      const t = this.#tail
      t.pos = 0
      this.#pathOrigin(t)
      if (!this.#human) {
        t.byte(124)
        this.#restOfLine(t, () => this.#ribNexthop(t))
      }
      o.bytes(t.buf, 0, t.pos)
      this.#lineEnd()
    }
    return true
  }

  /** TABLE_DUMP_V2 next hop: MP_REACH's (IPv6 unicast first, then IPv4 unicast), else NEXT_HOP. */
  #ribNexthop(t: Out): void {
    const a = this.#attrs
    const mp = a.has(14)
      ? a.announce[9]!.present
        ? a.announce[9]!
        : a.announce[5]!.present
          ? a.announce[5]!
          : undefined
      : undefined
    if (!mp) {
      t.ipv4n(a.nexthop)
      return
    }
    if (mp.nexthopLength === 4) t.ipv4(mp.nexthop, 0)
    else if (mp.nexthopLength === 16 || mp.nexthopLength === 32) t.ipv6(mp.nexthop, 0)
  }

  #peerIndex(b: Uint8Array, p: number, end: number): void {
    p += 4 // collector BGP ID
    const nameLength = getN(b, p, end, 2)
    p = Math.min(p + 2 + nameLength, end)
    const count = getN(b, p, end, 2)
    p = Math.min(p + 2, end)
    const peers: Peer[] = []
    for (let i = 0; i < count; i++) {
      const type = getN(b, p, end, 1)
      p = Math.min(p + 5, end) // type, BGP ID
      const ipv6 = (type & 1) !== 0
      const width = ipv6 ? 16 : 4
      const addr = address(b, p, end, width)
      p = Math.min(p + width, end)
      const asWidth = type & 2 ? 4 : 2
      const asn = getN(b, p, end, asWidth)
      p = Math.min(p + asWidth, end)
      peers.push({ ipv6, address: addr, asn })
    }
    this.#peers = peers
  }

  // --- TABLE_DUMP -----------------------------------------------------------------------

  #tableDump(rec: MrtRecord): boolean {
    const st = rec.subtype
    if (st < 1 || st > 4) return false
    const b = rec.raw
    const end = b.length
    let p = rec.bodyStart + 4 // view, sequence
    const width = st === 2 || st === 4 ? 16 : 4
    const prefix = address(b, p, end, width, this.#a)
    p = Math.min(p + width, end)
    const mask = getN(b, p, end, 1)
    const uptime = getN(b, p + 2, end, 4)
    p = Math.min(p + 6, end)
    const peer = address(b, p, end, width, this.#b)
    p = Math.min(p + width, end)
    const asWidth = st >= 3 ? 4 : 2
    const peerAs = getN(b, p, end, asWidth)
    p = Math.min(p + asWidth, end)
    const a = this.#attrs
    a.read(b, p, end, asWidth, false)
    if (
      this.#filter &&
      !this.#accept(rec, 'rib', peer, width, peerAs, width === 16 ? 2 : 1, 1, prefix, 0, mask, asWidth === 4)
    ) {
      return true
    }
    this.#setTime(this.#timeChange ? uptime : rec.timestamp, undefined)
    this.#lineStart('TABLE_DUMP', 'B')
    const o = this.#out
    // bgpdump formats subtype 2 as IPv6 and every other subtype (4 included) as IPv4.
    if (st === 2) o.ipv6(peer, 0)
    else o.ipv4(peer, 0)
    o.byte(124)
    o.uint(peerAs)
    o.byte(124)
    if (st === 2) o.ipv6(prefix, 0)
    else o.ipv4(prefix, 0)
    o.byte(47)
    o.uint(mask)
    o.byte(124)
    const t = this.#tail
    t.pos = 0
    this.#pathOrigin(t)
    if (!this.#human) {
      t.byte(124)
      this.#restOfLine(t, () => {
        const mp = a.announce[9]!
        if (a.has(14) && mp.present) t.ipv6(mp.nexthop, 0)
        else t.ipv4n(a.nexthop)
      })
    }
    o.bytes(t.buf, 0, t.pos)
    this.#lineEnd()
    return true
  }

  // --- BGP (legacy type 5) ----------------------------------------------------------

  #legacy(rec: MrtRecord): boolean {
    const b = rec.raw
    const end = b.length
    let p = rec.bodyStart
    const st = rec.subtype
    this.#setTime(rec.timestamp, undefined)
    const o = this.#out
    if (st === 3) {
      const as = getN(b, p, end, 2)
      const ip = address(b, p + 2, end, 4, this.#a)
      const old = getN(b, p + 6, end, 2)
      const now = getN(b, p + 8, end, 2)
      if (this.#filter && !this.#accept(rec, 'state', ip, 4, as, 0, 0, undefined, 0, 0, false)) return true
      this.#lineStart('BGP', 'STATE')
      o.ipv4(ip, 0)
      o.byte(124)
      o.uint(as)
      o.byte(124)
      o.uint(old)
      o.byte(124)
      o.uint(now)
      this.#lineEnd()
      return true
    }
    if (st !== 1 && st !== 7) return true
    const sourceAs = getN(b, p, end, 2)
    const source = address(b, p + 2, end, 4, this.#b)
    p = Math.min(p + 12, end)
    const wlen = getN(b, p, end, 2)
    p = Math.min(p + 2, end)
    const wend = Math.min(p + wlen, end)
    readPrefixList(b, p, wend, false, this.#withdrawn)
    const a = this.#attrs
    p = a.read(b, wend, end, 2, false)
    readPrefixList(b, p, end, false, this.#announced)
    if (st !== 1) return true
    const w = this.#withdrawn
    for (let i = 0; i < w.count; i++) {
      if (
        this.#filter &&
        !this.#accept(rec, 'withdraw', source, 4, sourceAs, 1, 1, b, w.offset[i]!, w.length[i]!, false)
      ) {
        continue
      }
      // bgpdump prints the peer address in place of the prefix here: both come
      // from inet_ntoa's one static buffer in a single printf.
      this.#lineStart('BGP', 'W')
      o.ipv4(source, 0)
      o.byte(124)
      o.uint(sourceAs)
      o.byte(124)
      o.ipv4(source, 0)
      o.byte(47)
      o.uint(w.length[i]!)
      this.#lineEnd()
    }
    const ann = this.#announced
    if (ann.count === 0) return true
    const t = this.#tail
    t.pos = 0
    this.#pathOrigin(t)
    if (!this.#human) {
      // Here bgpdump puts no separator between the MED and the communities.
      t.byte(124)
      t.ipv4n(a.nexthop)
      t.byte(124)
      t.uint(a.has(5) ? a.localPref : 0)
      t.byte(124)
      t.uint(a.has(4) ? a.med : 0)
      if (a.has(8)) a.communities(t)
      else t.byte(124)
      if (a.has(8)) t.byte(124)
      t.ascii(a.has(6) ? 'AG' : 'NAG')
      t.byte(124)
      this.#aggregator(t)
    }
    for (let i = 0; i < ann.count; i++) {
      if (
        this.#filter &&
        !this.#accept(rec, 'announce', source, 4, sourceAs, 1, 1, b, ann.offset[i]!, ann.length[i]!, false)
      ) {
        continue
      }
      this.#lineStart('BGP', 'A')
      o.ipv4(source, 0)
      o.byte(124)
      o.uint(sourceAs)
      o.byte(124)
      this.#ipv4Prefix(o, b, ann, i)
      o.byte(124)
      o.bytes(t.buf, 0, t.pos)
      this.#lineEnd()
    }
    return true
  }

  #ipv4Prefix(o: Out, b: Uint8Array, list: PrefixList, i: number): void {
    const addr = address(b, list.offset[i]!, b.length, list.bytes[i]!, this.#a)
    o.ipv4(addr, 0)
    o.byte(47)
    o.uint(list.length[i]!)
  }

  #ipv6Prefix(o: Out, b: Uint8Array, list: PrefixList, i: number): void {
    const addr = address(b, list.offset[i]!, b.length, list.bytes[i]!, this.#a)
    o.ipv6(addr, 0)
    o.byte(47)
    o.uint(list.length[i]!)
  }

  // --- BGP4MP / BGP4MP_ET -------------------------------------------------------------

  #bgp4mp(rec: MrtRecord): boolean {
    const st = rec.subtype
    const et = rec.type === 17
    const b = rec.raw
    const end = b.length
    const length = rec.length - (et ? 4 : 0)
    let p = rec.bodyStart
    const asWidth = AS4.has(st) ? 4 : 2
    if (st === 0 || st === 5) {
      const sourceAs = getN(b, p, end, asWidth)
      p = Math.min(p + 2 * asWidth, end)
      let ip: Uint8Array | undefined
      let v6 = false
      if (length === 8) {
        ip = address(b, 0, 0, 0, this.#a)
      } else {
        const afi = getN(b, p + 2, end, 2)
        p = Math.min(p + 4, end)
        if (afi === 1) {
          if (length !== 20 && length !== 24) return false
          ip = address(b, p, end, 4, this.#a)
          p = Math.min(p + 8, end)
        } else if (afi === 2) {
          if (length !== 44 && length !== 48) return false
          ip = address(b, p, end, 16, this.#a)
          p = Math.min(p + 32, end)
          v6 = true
        } else {
          return false
        }
      }
      const old = getN(b, p, end, 2)
      const now = getN(b, p + 2, end, 2)
      if (
        this.#filter &&
        !this.#accept(rec, 'state', ip, v6 ? 16 : 4, sourceAs, 0, 0, undefined, 0, 0, true)
      ) {
        return true
      }
      this.#setTime(rec.timestamp, et ? rec.microseconds : undefined)
      this.#lineStart(et ? 'BGP4MP_ET' : 'BGP4MP', 'STATE')
      const o = this.#out
      if (v6) o.ipv6(ip, 0)
      else o.ipv4(ip, 0)
      o.byte(124)
      o.uint(sourceAs)
      o.byte(124)
      o.uint(old)
      o.byte(124)
      o.uint(now)
      this.#lineEnd()
      return true
    }
    if (!(st === 1 || (st >= 4 && st <= 11))) return false
    const local = LOCAL.has(st)
    const addPath = ADDPATH.has(st)
    const second = SECOND_FIELDS.has(st)
    const peerAs = getN(b, second ? p + asWidth : p, end, asWidth)
    p = Math.min(p + 2 * asWidth, end)
    const ifindex = getN(b, p, end, 2)
    let afi = getN(b, p + 2, end, 2)
    p = Math.min(p + 4, end)
    let peer: Uint8Array
    if (afi === 1) {
      peer = address(b, second ? p + 4 : p, end, 4, this.#b)
      p = Math.min(p + 8, end)
    } else if (afi === 2) {
      peer = address(b, second ? p + 16 : p, end, 16, this.#b)
      p = Math.min(p + 32, end)
    } else if (afi === 0xffff && ifindex === 0xffff) {
      // Zebra's OPEN without addresses: the marker starts at the interface index.
      afi = 1
      peer = address(b, 0, 0, 0, this.#b)
      p -= 4
    } else {
      return false
    }
    for (let i = 0; i < 16; i++) if ((p + i < end ? b[p + i] : 0) !== 0xff) return false
    p = Math.min(p + 16, end)
    const size = getN(b, p, end, 2)
    p = Math.min(p + 2, end)
    const stop = Math.min(p + Math.max(size - 18, 0), end)
    const type = getN(b, p, stop, 1)
    p = Math.min(p + 1, stop)
    if (type === 1 || type === 3 || type === 4) return true
    if (type !== 2) return false
    // UPDATE
    const wlen = getN(b, p, stop, 2)
    p = Math.min(p + 2, stop)
    const wend = Math.min(p + wlen, stop)
    readPrefixList(b, p, wend, addPath, this.#withdrawn)
    const a = this.#attrs
    p = a.read(b, wend, stop, asWidth, addPath)
    readPrefixList(b, p, stop, addPath, this.#announced)
    this.#setTime(rec.timestamp, et ? rec.microseconds : undefined)
    const format = et
      ? local
        ? addPath
          ? 'BGP4MP_ET_LOCAL_AP'
          : 'BGP4MP_ET_LOCAL'
        : addPath
          ? 'BGP4MP_ET_AP'
          : 'BGP4MP_ET'
      : local
        ? addPath
          ? 'BGP4MP_LOCAL_AP'
          : 'BGP4MP_LOCAL'
        : addPath
          ? 'BGP4MP_AP'
          : 'BGP4MP'
    // "peer|peer AS|" once for the whole message.
    const h = this.#head
    h.pos = 0
    if (afi === 2) h.ipv6(peer, 0)
    else h.ipv4(peer, 0)
    h.byte(124)
    h.uint(peerAs)
    h.byte(124)
    this.#msg.rec = rec
    this.#msg.peer = peer
    this.#msg.width = afi === 2 ? 16 : 4
    this.#msg.as = peerAs
    this.#msg.asn4 = asWidth === 4
    const mpWithdraw = a.has(15)
    if (this.#withdrawn.count || mpWithdraw) {
      this.#withdrawLines(format, b, this.#withdrawn, 1, 1, addPath)
      for (let safi = 1; safi <= 3; safi++) {
        const m = a.withdraw[4 + safi]!
        if (m.present && m.prefixes.count) this.#withdrawLines(format, b, m.prefixes, 1, safi, addPath)
      }
      for (let safi = 1; safi <= 3; safi++) {
        const m = a.withdraw[8 + safi]!
        if (m.present && m.prefixes.count)
          this.#withdrawLines(format, b, m.prefixes, 2, safi, addPath, afi, local, peer)
      }
    }
    if (this.#announced.count || a.has(14)) {
      this.#announceLines(format, b, this.#announced, undefined, 1, 1, addPath)
      for (let safi = 1; safi <= 3; safi++) {
        const m = a.announce[4 + safi]!
        if (m.present && m.prefixes.count) this.#announceLines(format, b, m.prefixes, m, 1, safi, addPath)
      }
      for (let safi = 1; safi <= 3; safi++) {
        const m = a.announce[8 + safi]!
        if (m.present && m.prefixes.count) this.#announceLines(format, b, m.prefixes, m, 2, safi, addPath)
      }
    }
    return true
  }

  #withdrawLines(
    format: string,
    b: Uint8Array,
    list: PrefixList,
    family: number,
    safi: number,
    addPath: boolean,
    afi = 0,
    local = false,
    peer?: Uint8Array,
  ): void {
    const o = this.#out
    const v6 = family === 2
    const m = this.#msg
    for (let i = 0; i < list.count; i++) {
      if (
        this.#filter &&
        !this.#accept(
          m.rec!,
          'withdraw',
          m.peer,
          m.width,
          m.as,
          family,
          safi,
          b,
          list.offset[i]!,
          list.length[i]!,
          m.asn4,
        )
      ) {
        continue
      }
      this.#lineStart(format, 'W')
      if (v6 && afi === 1 && local && peer) {
        // bgpdump formats an IPv4 peer as IPv6 here (its address union, zero-filled).
        o.ipv6(peer, 0)
        o.byte(124)
        o.bytes(this.#head.buf, this.#head.buf.indexOf(124) + 1, this.#head.pos)
      } else {
        o.bytes(this.#head.buf, 0, this.#head.pos)
      }
      if (v6) this.#ipv6Prefix(o, b, list, i)
      else this.#ipv4Prefix(o, b, list, i)
      if (addPath) {
        o.byte(124)
        o.uint(list.pathId[i]!)
      }
      this.#lineEnd()
    }
  }

  #announceLines(
    format: string,
    b: Uint8Array,
    list: PrefixList,
    mp: MpNlri | undefined,
    family: number,
    safi: number,
    addPath: boolean,
  ): void {
    if (list.count === 0) return
    const v6 = family === 2
    const msg = this.#msg
    const a = this.#attrs
    const t = this.#tail
    t.pos = 0
    if (this.#human) {
      this.#pathOrigin(t)
    } else if (!mp) {
      this.#pathOrigin(t)
      t.byte(124)
      this.#restOfLine(t, () => t.ipv4n(a.nexthop))
    } else {
      const n = mp.nexthopLength
      const known = n === 4 || n === 16 || n === 32
      if (v6 ? known : true) this.#pathOrigin(t)
      if (v6 ? known : true) t.byte(124)
      if (known) {
        if (n === 4) t.ipv4(mp.nexthop, 0)
        else t.ipv6(mp.nexthop, 0)
        t.byte(124)
        const pref = a.has(5) ? a.localPref : 0
        const med = a.has(4) ? a.med : 0
        // MP IPv4 lines print these with %d, IPv6 ones with %u.
        if (v6) t.uint(pref)
        else t.int32(pref)
        t.byte(124)
        if (v6) t.uint(med)
        else t.int32(med)
        t.byte(124)
      }
      this.#communityFields(t)
    }
    const o = this.#out
    for (let i = 0; i < list.count; i++) {
      if (
        this.#filter &&
        !this.#accept(
          msg.rec!,
          'announce',
          msg.peer,
          msg.width,
          msg.as,
          family,
          safi,
          b,
          list.offset[i]!,
          list.length[i]!,
          msg.asn4,
        )
      ) {
        continue
      }
      this.#lineStart(format, 'A')
      o.bytes(this.#head.buf, 0, this.#head.pos)
      if (v6) this.#ipv6Prefix(o, b, list, i)
      else this.#ipv4Prefix(o, b, list, i)
      o.byte(124)
      if (addPath) {
        o.uint(list.pathId[i]!)
        o.byte(124)
      }
      o.bytes(t.buf, 0, t.pos)
      this.#lineEnd()
    }
  }
}
