// Path attributes and NLRI lists read the way bgpdump 1.6 (libbgpdump) reads
// them, for `--format bgpdump`: byte-exact output needs bgpdump's tolerances,
// not the codec's RFC 7606 rules. What bgpdump does, and this does too:
//  - a read past the end of a field yields zero octets (its "mstream");
//  - an attribute whose length overruns the section is ignored, and ends it;
//  - a repeated attribute overwrites the earlier one, except MP_REACH_NLRI /
//    MP_UNREACH_NLRI of an (AFI, SAFI) already seen, which are ignored;
//  - MP_REACH_NLRI whose first octet is not 0 is the RFC 6396 §4.3.4 short
//    form (next hop only) and taken as IPv6 unicast;
//  - only AFI 1–2 / SAFI 1–3 are read; next hops of 4, 16 or 32 octets only;
//  - an NLRI list stops at a prefix longer than what is left (host bits are
//    kept as sent), and keeps at most 8192 prefixes;
//  - on 2-octet-AS records, AS4_PATH and AS4_AGGREGATOR are merged as
//    libbgpdump's process_asn32_trans does (RFC 6793 §4.2.3 with its quirks:
//    a non-AS_TRANS AGGREGATOR leaves the path unmerged, and the leading part
//    of the merged path repeats the first AS_PATH segment);
//  - AS paths render as "a b {c,d} (e f) [g,h]", "! Error !" when malformed,
//    cut with "..." past 7900 characters; communities as "a:b" with
//    no-export, no-advertise and local-AS named, within 8191 characters.
// All state lives in reused typed arrays: nothing is allocated per record.

import type { Out } from './out.ts'

export const MAX_PREFIXES = 8192
const ASPATH_MAX = 8000
const COMMUNITY_MAX = 8191

export class PrefixList {
  count = 0
  offset = new Int32Array(64)
  bytes = new Uint8Array(64)
  length = new Uint8Array(64)
  pathId = new Float64Array(64)

  reset(): void {
    this.count = 0
  }

  push(offset: number, bytes: number, length: number, pathId: number): void {
    const i = this.count
    if (i === this.offset.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2)
        b.set(a)
        return b
      }
      this.offset = grow(this.offset, (n) => new Int32Array(n))
      this.bytes = grow(this.bytes, (n) => new Uint8Array(n))
      this.length = grow(this.length, (n) => new Uint8Array(n))
      this.pathId = grow(this.pathId, (n) => new Float64Array(n))
    }
    this.offset[i] = offset
    this.bytes[i] = bytes
    this.length[i] = length
    this.pathId[i] = pathId
    this.count = i + 1
  }
}

export class MpNlri {
  present = false
  nexthopLength = 0
  /** 16 octets, zero-filled (bgpdump's address union). */
  readonly nexthop = new Uint8Array(16)
  readonly prefixes = new PrefixList()
}

/** Reads `n` (≤ 4) octets big-endian from b[p..end), zero-filling past the end (mstream_getl/getw/getc). */
function getN(b: Uint8Array, p: number, end: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + (p + i < end ? b[p + i]! : 0)
  return v
}

export class BgpdumpAttrs {
  /** Attribute types seen (bgpdump's flag word): bit type-1 for types 1..31, and type 32 apart. */
  flags = 0
  flag32 = false
  origin = 255
  nexthop = 0xffffffff
  med = 0
  localPref = 0
  aggregatorAs = 0
  aggregatorAddr = 0xffffffff
  newAggregatorAs = -1
  newAggregatorAddr = 0xffffffff
  asnLength = 4
  // AS_PATH and AS4_PATH as views of the record.
  buf: Uint8Array = new Uint8Array(0)
  aspathStart = -1
  aspathLength = 0
  newAspathStart = -1
  newAspathLength = 0
  communityStart = -1
  communityLength = 0
  largeStart = -1
  largeLength = 0
  /** announce/withdraw by afi * 4 + safi (afi 0..2, safi 0..3). */
  readonly announce: MpNlri[] = Array.from({ length: 12 }, () => new MpNlri())
  readonly withdraw: MpNlri[] = Array.from({ length: 12 }, () => new MpNlri())
  /** Scratch for the rendered AS path (and the merged one). */
  readonly #merged = new Uint8Array(8192)

  has(type: number): boolean {
    return type < 32 ? ((this.flags >>> (type - 1)) & 1) === 1 : this.flag32
  }

  /** process_attributes(): reads the 2-octet total length at b[p] and the attributes after it; returns the end. */
  read(b: Uint8Array, p: number, end: number, asnLength: number, addPath: boolean): number {
    const total = getN(b, p, end, 2)
    p = Math.min(p + 2, end)
    const stop = Math.min(p + total, end)
    this.readBlock(b, p, stop, asnLength, addPath)
    return stop
  }

  /** Where the attribute block lies in `buf`. */
  blockStart = 0
  blockEnd = 0

  /** Attributes in b[p..stop). */
  readBlock(b: Uint8Array, p: number, stop: number, asnLength: number, addPath: boolean): void {
    this.blockStart = p
    this.blockEnd = stop
    this.flags = 0
    this.flag32 = false
    this.origin = 255
    this.nexthop = 0xffffffff
    this.med = 0
    this.localPref = 0
    this.aggregatorAs = 0
    this.aggregatorAddr = 0xffffffff
    this.newAggregatorAs = -1
    this.newAggregatorAddr = 0xffffffff
    this.asnLength = asnLength
    this.buf = b
    this.aspathStart = -1
    this.newAspathStart = -1
    this.communityStart = -1
    this.largeStart = -1
    for (let i = 0; i < 12; i++) {
      this.announce[i]!.present = false
      this.withdraw[i]!.present = false
    }
    while (p < stop) {
      const flag = b[p]!
      const type = p + 1 < stop ? b[p + 1]! : 0
      let len: number
      let v: number
      if (flag & 0x10) {
        len = getN(b, p + 2, stop, 2)
        v = Math.min(p + 4, stop)
      } else {
        len = getN(b, p + 2, stop, 1)
        v = Math.min(p + 3, stop)
      }
      if (v + len > stop) break // "attribute is truncated": ignored, and the section ends
      p = v + len
      const e = p
      if (type >= 1 && type < 32) this.flags |= 1 << (type - 1)
      else if (type === 32) this.flag32 = true
      switch (type) {
        case 1:
          this.origin = getN(b, v, e, 1)
          break
        case 2:
          this.aspathStart = v
          this.aspathLength = len
          break
        case 3:
          this.nexthop = getN(b, v, e, 4)
          break
        case 4:
          this.med = getN(b, v, e, 4)
          break
        case 5:
          this.localPref = getN(b, v, e, 4)
          break
        case 7:
          this.aggregatorAs = getN(b, v, e, asnLength)
          this.aggregatorAddr = getN(b, v + asnLength, e, 4)
          break
        case 8:
          this.communityStart = v
          this.communityLength = len
          break
        case 14:
          this.#mpAnnounce(b, v, e, addPath)
          break
        case 15:
          this.#mpWithdraw(b, v, e, addPath)
          break
        case 17:
          this.newAspathStart = v
          this.newAspathLength = len
          break
        case 18:
          this.newAggregatorAs = getN(b, v, e, 4)
          this.newAggregatorAddr = getN(b, v + 4, e, 4)
          break
        case 32:
          this.largeStart = v
          this.largeLength = len
          break
        default:
          break
      }
    }
    if (asnLength === 2) this.#asn32Aggregator()
  }

  #nexthop(m: MpNlri, b: Uint8Array, p: number, e: number): number {
    m.present = true
    m.prefixes.reset()
    m.nexthop.fill(0)
    const len = getN(b, p, e, 1)
    p = Math.min(p + 1, e)
    m.nexthopLength = len
    if (len === 4 || len === 16 || len === 32) {
      const take = Math.min(len === 32 ? 16 : len, e - p)
      m.nexthop.set(b.subarray(p, p + take), 0)
      p = Math.min(p + len, e)
    }
    return p
  }

  #mpAnnounce(b: Uint8Array, p: number, e: number, addPath: boolean): void {
    // The RIB-entry short form starts with the next hop length, never 0 (an AFI's high octet is).
    const first = p < b.length ? b[p]! : 0
    if (first !== 0) {
      this.#nexthop(this.announce[2 * 4 + 1]!, b, p, e)
      return
    }
    const afi = getN(b, p, e, 2)
    const safi = getN(b, p + 2, e, 1)
    p = Math.min(p + 3, e)
    if (afi > 2 || safi > 3) return
    const m = this.announce[afi * 4 + safi]!
    if (m.present) return
    p = this.#nexthop(m, b, p, e)
    let snpa = getN(b, p, e, 1)
    p = Math.min(p + 1, e)
    for (; snpa > 0; snpa--) {
      const n = getN(b, p, e, 1)
      p = Math.min(p + 1 + n, e)
    }
    readPrefixList(b, p, e, addPath, m.prefixes)
  }

  #mpWithdraw(b: Uint8Array, p: number, e: number, addPath: boolean): void {
    const afi = getN(b, p, e, 2)
    const safi = getN(b, p + 2, e, 1)
    p = Math.min(p + 3, e)
    if (afi > 2 || safi > 3) return
    const m = this.withdraw[afi * 4 + safi]!
    if (m.present) return
    m.present = true
    m.prefixes.reset()
    readPrefixList(b, p, e, addPath, m.prefixes)
  }

  /** process_asn32_trans, aggregator part: true when the path is to be left alone. */
  #aggregatorBlocksMerge = false

  #asn32Aggregator(): void {
    this.#aggregatorBlocksMerge = false
    if (this.has(7) && this.has(18)) {
      if (this.aggregatorAs !== 23456) {
        this.#aggregatorBlocksMerge = true
        return
      }
      this.aggregatorAs = this.newAggregatorAs >>> 0
      this.aggregatorAddr = this.newAggregatorAddr
    }
  }

  /** Writes the AS path field (merged with AS4_PATH on 2-octet records) to `out`. */
  aspath(out: Out): void {
    if (!this.has(2) || this.aspathStart < 0) return
    const b = this.buf
    if (this.asnLength === 4 || this.#aggregatorBlocksMerge || !this.has(17) || this.newAspathStart < 0) {
      renderAspath(out, b, this.aspathStart, this.aspathLength, this.asnLength)
      return
    }
    const count = aspathCount(b, this.aspathStart, this.aspathLength, 2)
    const newCount = aspathCount(b, this.newAspathStart, this.newAspathLength, 4)
    if (count < newCount) {
      renderAspath(out, b, this.aspathStart, this.aspathLength, 2)
      return
    }
    // asn32_merge_paths: copies of AS_PATH's first segment until the count is reached, then AS4_PATH.
    const m = this.#merged
    let n = 0
    let have = 0
    const want = count - newCount
    const s = this.aspathStart
    const type = b[s]!
    const segLength = b[s + 1]!
    while (have < want && segLength > 0 && n + 2 + segLength * 4 + this.newAspathLength <= m.length) {
      m[n] = type
      m[n + 1] = segLength
      for (let i = 0; i < segLength; i++) {
        const asn = (b[s + 2 + 2 * i]! << 8) | b[s + 3 + 2 * i]!
        m[n + 2 + 4 * i] = 0
        m[n + 3 + 4 * i] = 0
        m[n + 4 + 4 * i] = asn >> 8
        m[n + 5 + 4 * i] = asn & 0xff
      }
      let written = 2 + segLength * 4
      if (type === 1 || type === 4) have += 1
      else {
        have += segLength
        if (have > want) {
          m[n + 1] = segLength - (have - want)
          written -= (have - want) * 4
        }
      }
      n += written
    }
    m.set(b.subarray(this.newAspathStart, this.newAspathStart + this.newAspathLength), n)
    renderAspath(out, m, 0, n + this.newAspathLength, 4)
  }

  /**
   * Writes the communities text as bgpdump prints it: its buffer holds " a:b"
   * items within 8191 characters (a named item that does not fit is left
   * out, a numeric one is cut), and the line shows it from the second one on.
   */
  communities(out: Out): void {
    const b = this.buf
    const n = this.communityLength >> 2
    let len = 0 // characters in bgpdump's buffer, leading space included
    for (let i = 0; i < n; i++) {
      const p = this.communityStart + 4 * i
      const v = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
      const named =
        v === 0xffffff01
          ? 'no-export'
          : v === 0xffffff02
            ? 'no-advertise'
            : v === 0xffffff03
              ? 'local-AS'
              : ''
      if (named) {
        if (len + 1 + named.length > COMMUNITY_MAX) continue
        if (len) out.byte(32)
        out.ascii(named)
        len += 1 + named.length
        continue
      }
      if (len >= COMMUNITY_MAX) continue
      const start = out.pos
      if (len) out.byte(32)
      out.uint(v >>> 16)
      out.byte(58)
      out.uint(v & 0xffff)
      const item = out.pos - start + (len ? 0 : 1)
      const keep = Math.min(item, COMMUNITY_MAX - len)
      out.pos -= item - keep
      len += keep
    }
  }

  /** Writes the large communities text (without the leading space). */
  largeCommunities(out: Out): void {
    const b = this.buf
    const n = Math.floor(this.largeLength / 12)
    for (let i = 0; i < n; i++) {
      const p = this.largeStart + 12 * i
      if (i) out.byte(32)
      out.uint(getN(b, p, b.length, 4))
      out.byte(58)
      out.uint(getN(b, p + 4, b.length, 4))
      out.byte(58)
      out.uint(getN(b, p + 8, b.length, 4))
    }
  }
}

/** read_prefix_list(): NLRI in b[p..e) with bgpdump's tolerances. */
export function readPrefixList(
  b: Uint8Array,
  p: number,
  e: number,
  addPath: boolean,
  list: PrefixList,
): void {
  list.reset()
  let count = 0
  while (p < e) {
    let pathId = 0
    if (addPath) {
      pathId = getN(b, p, e, 4)
      p = Math.min(p + 4, e)
    }
    const len = getN(b, p, e, 1)
    p = Math.min(p + 1, e)
    const bytes = (len + 7) >> 3
    if (e - p < bytes) break
    if (count++ > MAX_PREFIXES) continue
    list.push(p, bytes, len, pathId)
    p += bytes
  }
  if (list.count > MAX_PREFIXES) list.count = MAX_PREFIXES
}

const SET = 1
const CONFED_SET = 4

/** The ASN count of process_attr_aspath_string (sets count 1, confederation segments counted); 0 if malformed. */
export function aspathCount(b: Uint8Array, start: number, length: number, asnLength: number): number {
  let p = start
  const end = start + length
  let count = 0
  while (p < end) {
    const type = b[p]!
    const n = p + 1 < end ? b[p + 1]! : 256
    if (type < 1 || type > 4 || p + 2 + n * asnLength > end) return 0
    count += type === SET || type === CONFED_SET ? 1 : n
    p += 2 + n * asnLength
  }
  return count
}

const OPEN = [0, 123, 32, 40, 91] // '{', ' ', '(', '['
const CLOSE = [0, 125, 32, 41, 93] // '}', ' ', ')', ']'

/** process_attr_aspath_string(), written to out. */
export function renderAspath(
  out: Out,
  b: Uint8Array,
  start: number,
  length: number,
  asnLength: number,
): void {
  const end = start + length
  // Validate first: a malformed path prints only the error text.
  for (let p = start; p < end; ) {
    const type = b[p]!
    const n = p + 1 < end ? b[p + 1]! : 256
    if (type < 1 || type > 4 || p + 2 + n * asnLength > end) {
      out.ascii('! Error !')
      return
    }
    p += 2 + n * asnLength
  }
  const begin = out.pos
  let space = false
  let prev = 2
  let last = 0
  for (let p = start; p < end; ) {
    const type = b[p]!
    const n = b[p + 1]!
    if (prev !== 2) out.byte(CLOSE[prev]!)
    if (space) out.byte(32)
    if (type !== 2) out.byte(OPEN[type]!)
    space = false
    const sep = type === SET || type === CONFED_SET ? 44 : 32
    for (let i = 0; i < n; i++) {
      if (space) out.byte(sep)
      else space = true
      const q = p + 2 + i * asnLength
      out.uint(
        asnLength === 4
          ? b[q]! * 0x1000000 + ((b[q + 1]! << 16) | (b[q + 2]! << 8) | b[q + 3]!)
          : (b[q]! << 8) | b[q + 1]!,
      )
      if (out.pos - begin > ASPATH_MAX - 100) {
        out.ascii('...')
        return
      }
    }
    prev = type
    last = type
    p += 2 + n * asnLength
  }
  if (last !== 0 && last !== 2) out.byte(CLOSE[last]!)
}
