// The fast path for received UPDATEs. During a table transfer a session gets
// hundreds of thousands of UPDATEs a second; decoding every attribute into
// objects (AS paths, community strings…) just to find them clean would cost
// most of that time, and the RIB interns the attributes by their raw octets
// anyway. So a clean UPDATE is read in place: the attribute section is walked
// and checked (lengths, flags, repeats, the value rules of RFC 4271 §6.3 and
// RFC 7606 for the attributes tables carry), and only the NLRI are decoded,
// by the family codecs. The result is the same UpdateRoutes the full decode
// gives (updateRoutes), except `attributes`, which is left for consumers to
// decode from the raw message when they need it.
//
// Anything this does not recognise as plainly clean — an attribute it does
// not check, a repeat, a flag or length fault, a missing mandatory attribute,
// an NLRI that does not parse — returns undefined, and the caller takes the
// full decode, which finds and classifies the problem. Being stricter than
// the codec is safe; being laxer is not, so a property test holds every
// UPDATE this accepts to a problem-free decode with equal routes.

import {
  attributeCodec,
  type CodecContext,
  type FamilyAnnouncement,
  type FamilyNlri,
  familyCodec,
  familyKey,
  type MpReachNlri,
  type MpUnreachNlri,
  type Nlri,
  type RouteAttributes,
  type UpdateRoutes,
} from '../bgp/index.ts'
import { formatIPv4 } from '../wire/ip.ts'
import { type Reader, u32 } from '../wire/reader.ts'

/** What the fast path leaves undecoded: consumers decode attributes from the raw message. */
export const UNDECODED_ATTRIBUTES: RouteAttributes = Object.freeze({
  asPath: [],
  atomicAggregate: false,
  communities: [],
  extendedCommunities: [],
  ipv6ExtendedCommunities: [],
  largeCommunities: [],
  other: [],
})

/** The Optional and Transitive bits each checked attribute must carry (RFC 4271 §5). */
const FLAGS: readonly (number | undefined)[] = (() => {
  const t: (number | undefined)[] = []
  for (const code of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 32]) t[code] = attributeCodec(code)?.flags
  return t
})()

const NO_NLRI: readonly Nlri[] = []

/** A list of NLRI of one family, or undefined if it does not parse. */
function nlriList(
  buf: Uint8Array,
  start: number,
  end: number,
  afi: number,
  safi: number,
  addPath: boolean,
  withdraw: boolean,
): Nlri[] | undefined {
  const codec = familyCodec(afi, safi)
  const r: Reader = { buf, pos: start, end }
  const out: Nlri[] = []
  try {
    if (codec.opaque) {
      if (r.pos < r.end) out.push(codec.decode(r, undefined, withdraw))
      return out
    }
    while (r.pos < r.end) {
      const pathId = addPath ? u32(r) : undefined
      out.push(codec.decode(r, pathId, withdraw))
    }
  } catch {
    return undefined
  }
  return r.pos === r.end ? out : undefined
}

/** AS_PATH segments (RFC 4271 §4.3, RFC 7606 §7.2): known types, non-empty, exactly filling the value. */
function segmentsOk(buf: Uint8Array, p: number, end: number, width: number): boolean {
  while (p < end) {
    if (end - p < 2) return false
    const type = buf[p]!
    const count = buf[p + 1]!
    if (type < 1 || type > 4 || count === 0) return false
    p += 2 + count * width
  }
  return p === end
}

function mpAttribute<T extends MpReachNlri | MpUnreachNlri>(
  code: 14 | 15,
  buf: Uint8Array,
  v: number,
  end: number,
  ctx: CodecContext,
): T | undefined {
  const r: Reader = { buf, pos: v, end }
  try {
    const value = attributeCodec(code)!.decode(r, ctx) as T
    return r.pos === r.end ? value : undefined
  } catch {
    // The codec's own errors (and anything else) are the full decode's to report.
    return undefined
  }
}

/**
 * The routes of a clean UPDATE read in place, or undefined when the full
 * decode must decide. `raw` is the whole message, header included.
 */
export function leanUpdate(raw: Uint8Array, ctx: CodecContext): UpdateRoutes | undefined {
  const len = raw.length
  if (len < 23 || raw[18] !== 2 || ((raw[16]! << 8) | raw[17]!) !== len) return undefined
  let p = 19
  const wlen = (raw[p]! << 8) | raw[p + 1]!
  p += 2
  if (p + wlen + 2 > len) return undefined
  const v4AddPath = ctx.addPath.has(familyKey(1, 1))
  const withdrawn = wlen ? nlriList(raw, p, p + wlen, 1, 1, v4AddPath, true) : NO_NLRI
  if (!withdrawn) return undefined
  p += wlen
  const alen = (raw[p]! << 8) | raw[p + 1]!
  p += 2
  const aEnd = p + alen
  if (aEnd > len) return undefined
  let seen = 0
  let seenLarge = false
  let count = 0
  let nextHop: string | undefined
  let mpReach: MpReachNlri | undefined
  let mpUnreach: MpUnreachNlri | undefined
  const width = ctx.asn4 ? 4 : 2
  while (p < aEnd) {
    if (aEnd - p < 3) return undefined
    const flags = raw[p]!
    const code = raw[p + 1]!
    const ext = (flags & 0x10) !== 0
    if (ext && aEnd - p < 4) return undefined
    const vlen = ext ? (raw[p + 2]! << 8) | raw[p + 3]! : raw[p + 2]!
    const v = p + (ext ? 4 : 3)
    const end = v + vlen
    if (end > aEnd) return undefined
    const expected = FLAGS[code]
    if (expected === undefined) return undefined
    // RFC 4271 §4.3 / RFC 7606 §3(c): the bits must match the definition; Partial only on optional transitive.
    if ((flags & 0xc0) !== expected || ((flags & 0x20) !== 0 && expected === 0x40)) return undefined
    if (code === 32) {
      if (seenLarge) return undefined
      seenLarge = true
    } else {
      const bit = 1 << code
      if (seen & bit) return undefined
      seen |= bit
    }
    count++
    switch (code) {
      case 1: // ORIGIN: one octet, IGP, EGP or INCOMPLETE
        if (vlen !== 1 || raw[v]! > 2) return undefined
        break
      case 2: // AS_PATH
        if (!segmentsOk(raw, v, end, width)) return undefined
        break
      case 3: // NEXT_HOP
        if (vlen !== 4) return undefined
        nextHop = formatIPv4(raw, v)
        break
      case 4: // MULTI_EXIT_DISC
      case 5: // LOCAL_PREF
      case 9: // ORIGINATOR_ID
        if (vlen !== 4) return undefined
        break
      case 6: // ATOMIC_AGGREGATE
        if (vlen !== 0) return undefined
        break
      case 7: // AGGREGATOR
        if (vlen !== (ctx.asn4 ? 8 : 6)) return undefined
        break
      case 8: // COMMUNITIES
      case 10: // CLUSTER_LIST
        if (vlen % 4 !== 0) return undefined
        break
      case 16: // EXTENDED_COMMUNITIES
        if (vlen % 8 !== 0) return undefined
        break
      case 32: // LARGE_COMMUNITY
        if (vlen % 12 !== 0) return undefined
        break
      case 14:
        mpReach = mpAttribute<MpReachNlri>(14, raw, v, end, ctx)
        if (!mpReach) return undefined
        break
      case 15:
        mpUnreach = mpAttribute<MpUnreachNlri>(15, raw, v, end, ctx)
        if (!mpUnreach) return undefined
        break
      default:
        return undefined
    }
    p = end
  }
  const nlri = p < len ? nlriList(raw, p, len, 1, 1, v4AddPath, false) : NO_NLRI
  if (!nlri) return undefined
  const mpNlri = mpReach !== undefined && mpReach.nlri.length > 0
  if (nlri.length || mpNlri) {
    // RFC 7606 §3(d): a missing mandatory attribute is for the full decode to classify.
    if ((seen & 0b110) !== 0b110) return undefined
    if (nlri.length && nextHop === undefined) return undefined
  }
  const announce: FamilyAnnouncement[] = []
  const withdraw: FamilyNlri[] = []
  if (withdrawn.length) withdraw.push({ family: 'ipv4-unicast', afi: 1, safi: 1, nlri: withdrawn })
  if (mpUnreach?.nlri.length) {
    withdraw.push({
      family: mpUnreach.family,
      afi: mpUnreach.afi,
      safi: mpUnreach.safi,
      nlri: mpUnreach.nlri,
    })
  }
  if (nlri.length) {
    announce.push({ family: 'ipv4-unicast', afi: 1, safi: 1, nextHop: [nextHop!], nlri })
  }
  if (mpReach && mpNlri) {
    announce.push({
      family: mpReach.family,
      afi: mpReach.afi,
      safi: mpReach.safi,
      nextHop: mpReach.nextHopRaw ? [mpReach.nextHopRaw] : mpReach.nextHop,
      nlri: mpReach.nlri,
    })
  }
  let endOfRib: string | undefined
  if (!withdrawn.length && !nlri.length) {
    if (count === 0) endOfRib = 'ipv4-unicast'
    else if (count === 1 && mpUnreach && mpUnreach.nlri.length === 0) endOfRib = mpUnreach.family
  }
  return {
    announce,
    withdraw,
    attributes: UNDECODED_ATTRIBUTES,
    ...(endOfRib ? { endOfRib } : {}),
    disabled: [],
    treatedAsWithdraw: false,
  }
}
