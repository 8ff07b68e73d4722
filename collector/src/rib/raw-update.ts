// The bytes of an attribute set, cut from an UPDATE as received (RFC 4271 §4.3):
//
//   +----------+-----------------------------------+
//   | header   | 19 octets: marker, length, type 2 |
//   | 2 + var. | Withdrawn Routes Length, Routes   |
//   | 2 + var. | Total Path Attribute Length, attrs|
//   | var.     | NLRI (IPv4 unicast)               |
//   +----------+-----------------------------------+
//
// The attribute section is copied without MP_REACH_NLRI and MP_UNREACH_NLRI
// (type 14, 15) into a scratch buffer, once per UPDATE; each announced family
// then prefixes it with the flags octet and its next hop (attribute-sets.ts)
// and interns the result. On the way, where the four NLRI fields lie is noted
// (withdrawn routes, NLRI, and those of MP_REACH_NLRI and MP_UNREACH_NLRI,
// RFC 4760 §3, §4), for Rib.applyRaw to read them in place. Nothing here
// keeps a reference to the message.
//
// The codec has decoded this message already, so its framing holds; should an
// attribute overrun the section anyway (RFC 7606 §4 leaves the routes
// withdrawn then, so no set is built from it), the rest is copied as is.

import { SET_HEADER } from './attribute-sets.ts'

const MAX_NEXT_HOP = 255
/** Where the attribute section starts in the scratch buffer: room for the header and any next hop before it. */
const SECTION_AT = SET_HEADER + MAX_NEXT_HOP
const NO_MESSAGE = new Uint8Array(0)

export class SetBuilder {
  readonly scratch = new Uint8Array(SECTION_AT + 65536)
  private sectionEnd = SECTION_AT
  private raw: Uint8Array = NO_MESSAGE
  private nextHopAt = -1
  private nextHopLen = 0
  private mpNextHopAt = -1
  private mpNextHopLen = 0
  /** The message has routes in its IPv4 NLRI field (after the attributes). */
  hasNlriField = false
  /** The NLRI fields found by load(): [start, end) in the message; end = start when absent. */
  withdrawnStart = 0
  withdrawnEnd = 0
  nlriStart = 0
  nlriEnd = 0
  /** MP_REACH_NLRI's family and NLRI field (the first one's). */
  reachAfi = 0
  reachSafi = 0
  reachStart = 0
  reachEnd = 0
  /** MP_UNREACH_NLRI's family and withdrawn routes (the first one's). */
  unreachAfi = 0
  unreachSafi = 0
  unreachStart = 0
  unreachEnd = 0

  /** Reads the message's attribute section; RangeError if `raw` is not a whole UPDATE. */
  load(raw: Uint8Array): void {
    if (raw.length < 23 || raw[18] !== 2) throw new RangeError('rib: raw octets are not a BGP UPDATE message')
    const end = Math.min(raw.length, (raw[16]! << 8) | raw[17]!)
    const wlen = (raw[19]! << 8) | raw[20]!
    const p = 21 + wlen
    if (p + 2 > end) throw new RangeError('rib: UPDATE withdrawn routes overrun the message')
    const alen = (raw[p]! << 8) | raw[p + 1]!
    const a = p + 2
    const aEnd = Math.min(a + alen, end)
    this.hasNlriField = a + alen < end
    this.withdrawnStart = 21
    this.withdrawnEnd = p
    this.nlriStart = aEnd
    this.nlriEnd = Math.max(aEnd, end)
    this.reachStart = this.reachEnd = 0
    this.unreachStart = this.unreachEnd = 0
    this.raw = raw
    this.nextHopAt = -1
    this.mpNextHopAt = -1
    const out = this.scratch
    let o = SECTION_AT
    let i = a
    while (i < aEnd) {
      const flags = raw[i]!
      const hl = flags & 0x10 ? 4 : 3
      if (aEnd - i < hl) break
      const type = raw[i + 1]!
      const vlen = hl === 4 ? (raw[i + 2]! << 8) | raw[i + 3]! : raw[i + 2]!
      const v = i + hl
      if (v + vlen > aEnd) break
      if (type === 14) {
        // AFI (2), SAFI (1), next hop length (1), next hop (RFC 4760 §3); the first one counts.
        if (this.mpNextHopAt < 0 && vlen >= 4 && 4 + raw[v + 3]! <= vlen) {
          this.mpNextHopAt = v + 4
          this.mpNextHopLen = raw[v + 3]!
          this.reachNlri(raw, v, v + vlen)
        }
      } else if (type === 15) {
        // AFI (2), SAFI (1), withdrawn routes (RFC 4760 §4).
        if (this.unreachEnd === 0 && vlen >= 3) {
          this.unreachAfi = (raw[v]! << 8) | raw[v + 1]!
          this.unreachSafi = raw[v + 2]!
          this.unreachStart = v + 3
          this.unreachEnd = v + vlen
        }
      } else {
        if (type === 3 && this.nextHopAt < 0) {
          this.nextHopAt = v
          this.nextHopLen = Math.min(vlen, MAX_NEXT_HOP)
        }
        for (let k = i; k < v + vlen; k++) out[o++] = raw[k]!
      }
      i = v + vlen
    }
    if (i < aEnd) {
      for (let k = i; k < aEnd; k++) out[o++] = raw[k]!
    }
    this.sectionEnd = o
  }

  /** Notes MP_REACH_NLRI's NLRI field: after the next hop, the reserved octet (RFC 2858's SNPA count) and any SNPAs. */
  private reachNlri(raw: Uint8Array, v: number, end: number): void {
    let p = v + 4 + raw[v + 3]!
    if (p >= end) return
    const snpas = raw[p++]!
    for (let i = 0; i < snpas && p < end; i++) p += 1 + ((raw[p]! + 1) >> 1)
    if (p > end) return
    this.reachAfi = (raw[v]! << 8) | raw[v + 1]!
    this.reachSafi = raw[v + 2]!
    this.reachStart = p
    this.reachEnd = end
  }

  /**
   * Builds the set bytes for one family in the scratch buffer and returns where
   * they start (they end at `end`): the IPv4 NLRI field takes NEXT_HOP's value
   * (`fromNlriField`), every other announcement MP_REACH_NLRI's next hop.
   */
  build(asn4: boolean, fromNlriField: boolean): number {
    const at = fromNlriField ? this.nextHopAt : this.mpNextHopAt
    const n = at < 0 ? 0 : fromNlriField ? this.nextHopLen : this.mpNextHopLen
    const start = SECTION_AT - n - SET_HEADER
    const out = this.scratch
    out[start] = asn4 ? 1 : 0
    out[start + 1] = n
    for (let k = 0; k < n; k++) out[start + SET_HEADER + k] = this.raw[at + k]!
    return start
  }

  get end(): number {
    return this.sectionEnd
  }

  /** Lets go of the message. */
  clear(): void {
    this.raw = NO_MESSAGE
  }
}
