// The fast path for received UPDATEs. During a table transfer a session gets
// hundreds of thousands of UPDATEs a second; decoding every attribute into
// objects (AS paths, community strings…) just to find them clean would cost
// most of that time, and the RIB interns the attributes by their raw octets
// anyway. So a clean UPDATE is read in place: the attribute section is walked
// and checked (lengths, flags, repeats, the value rules of RFC 4271 §6.3 and
// RFC 7606 for the attributes tables carry), and so are the NLRI: those of
// plain IP unicast and multicast by their octets (a length within the
// address, the prefix within the field), which is all their codec checks,
// those of other families by decoding them with their codec. scanUpdate says
// whether the message is clean and notes where its routes are (UpdateScan):
// the session hands the octets to the RIB (Rib.applyRaw), and no NLRI object
// or prefix text is made. leanUpdate gives the same UpdateRoutes the full
// decode gives (updateRoutes), except `attributes`, which is left for
// consumers to decode from the raw message when they need it.
//
// Anything this does not recognise as plainly clean — an attribute it does
// not check, a repeat, a flag or length fault, a missing mandatory attribute,
// an NLRI that does not parse — returns undefined, and the caller takes the
// full decode, which finds and classifies the problem. Being stricter than
// the codec is safe; being laxer is not, so a property test holds every
// UPDATE this accepts to a problem-free decode with equal routes.
//
// Per message nothing is allocated but what families other than plain IP
// decode into: the scan is one object per session, reused.

import {
  attributeCodec,
  type CodecContext,
  type FamilyAnnouncement,
  type FamilyKey,
  type FamilyNlri,
  familyCodec,
  familyKey,
  familyNameOfKey,
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
const V4_UNICAST = familyKey(1, 1)

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

/** Where the routes of a clean UPDATE are (offsets in the message), as scanUpdate found them. */
export interface UpdateScan {
  /** IPv4 unicast withdrawn routes and NLRI fields: [start, end). */
  withdrawnStart: number
  withdrawnEnd: number
  nlriStart: number
  nlriEnd: number
  /** NEXT_HOP's value, or -1. */
  nextHop: number
  /** MP_REACH_NLRI's family key (-1: none), its value [start, end) and its NLRI field's. */
  reach: FamilyKey
  reachValue: number
  reachEnd: number
  reachNlri: number
  /** MP_REACH_NLRI as its codec decoded it, for families other than plain IP (or with SNPAs). */
  reachDecoded: MpReachNlri | undefined
  /** MP_UNREACH_NLRI's family key (-1: none), its value [start, end) and its withdrawn routes'. */
  unreach: FamilyKey
  unreachValue: number
  unreachEnd: number
  unreachNlri: number
  unreachDecoded: MpUnreachNlri | undefined
  /** Path attributes in the message. */
  attributes: number
  /** The End-of-RIB marker of this family (RFC 4724 §2), or -1. */
  endOfRib: FamilyKey
}

export function newUpdateScan(): UpdateScan {
  return {
    withdrawnStart: 0,
    withdrawnEnd: 0,
    nlriStart: 0,
    nlriEnd: 0,
    nextHop: -1,
    reach: -1,
    reachValue: 0,
    reachEnd: 0,
    reachNlri: 0,
    reachDecoded: undefined,
    unreach: -1,
    unreachValue: 0,
    unreachEnd: 0,
    unreachNlri: 0,
    unreachDecoded: undefined,
    attributes: 0,
    endOfRib: -1,
  }
}

/** IP unicast and multicast: NLRI that are only a prefix (bgp/nlri/ip-prefix.ts). */
function plainFamily(afi: number, safi: number): boolean {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2)
}

/**
 * A field of plain IP NLRI (RFC 4271 §4.3, RFC 7911 §3) parses as the codec
 * would parse it: [path id,] a length within the address, the prefix octets,
 * exactly filling the field.
 */
function plainNlriOk(buf: Uint8Array, p: number, end: number, maxBits: number, addPath: boolean): boolean {
  while (p < end) {
    if (addPath) p += 4
    if (p >= end) return false
    const bits = buf[p]!
    if (bits > maxBits) return false
    p += 1 + ((bits + 7) >> 3)
  }
  return p === end
}

/** MP_REACH_NLRI (RFC 4760 §3) at buf[v..end) into s; false if the fast path cannot take it. */
function scanReach(buf: Uint8Array, v: number, end: number, ctx: CodecContext, s: UpdateScan): boolean {
  if (end - v < 5) return false
  const afi = (buf[v]! << 8) | buf[v + 1]!
  const safi = buf[v + 2]!
  const nh = buf[v + 3]!
  const at = v + 4 + nh
  s.reach = familyKey(afi, safi)
  s.reachValue = v
  s.reachEnd = end
  // A plain family's next hop is an address (and a link-local one), RFC 2545, RFC 8950; no SNPAs.
  if (plainFamily(afi, safi) && (nh === 4 || nh === 16 || nh === 32) && at < end && buf[at] === 0) {
    s.reachNlri = at + 1
    s.reachDecoded = undefined
    return plainNlriOk(buf, at + 1, end, afi === 1 ? 32 : 128, ctx.addPath.has(s.reach))
  }
  s.reachDecoded = mpAttribute<MpReachNlri>(14, buf, v, end, ctx)
  return s.reachDecoded !== undefined
}

/** MP_UNREACH_NLRI (RFC 4760 §4) at buf[v..end) into s; false if the fast path cannot take it. */
function scanUnreach(buf: Uint8Array, v: number, end: number, ctx: CodecContext, s: UpdateScan): boolean {
  if (end - v < 3) return false
  const afi = (buf[v]! << 8) | buf[v + 1]!
  const safi = buf[v + 2]!
  s.unreach = familyKey(afi, safi)
  s.unreachValue = v
  s.unreachEnd = end
  s.unreachNlri = v + 3
  if (plainFamily(afi, safi)) {
    s.unreachDecoded = undefined
    return plainNlriOk(buf, v + 3, end, afi === 1 ? 32 : 128, ctx.addPath.has(s.unreach))
  }
  s.unreachDecoded = mpAttribute<MpUnreachNlri>(15, buf, v, end, ctx)
  return s.unreachDecoded !== undefined
}

/**
 * Whether a received UPDATE is clean as the fast path sees it, noting where
 * its routes are in `s`. `raw` is the whole message, header included.
 */
export function scanUpdate(raw: Uint8Array, ctx: CodecContext, s: UpdateScan): boolean {
  const len = raw.length
  if (len < 23 || raw[18] !== 2 || ((raw[16]! << 8) | raw[17]!) !== len) return false
  let p = 19
  const wlen = (raw[p]! << 8) | raw[p + 1]!
  p += 2
  if (p + wlen + 2 > len) return false
  const v4AddPath = ctx.addPath.has(V4_UNICAST)
  if (!plainNlriOk(raw, p, p + wlen, 32, v4AddPath)) return false
  s.withdrawnStart = p
  s.withdrawnEnd = p + wlen
  p += wlen
  const alen = (raw[p]! << 8) | raw[p + 1]!
  p += 2
  const aEnd = p + alen
  if (aEnd > len) return false
  let seen = 0
  let seenLarge = false
  let count = 0
  s.nextHop = -1
  s.reach = -1
  s.reachDecoded = undefined
  s.unreach = -1
  s.unreachDecoded = undefined
  const width = ctx.asn4 ? 4 : 2
  while (p < aEnd) {
    if (aEnd - p < 3) return false
    const flags = raw[p]!
    const code = raw[p + 1]!
    const ext = (flags & 0x10) !== 0
    if (ext && aEnd - p < 4) return false
    const vlen = ext ? (raw[p + 2]! << 8) | raw[p + 3]! : raw[p + 2]!
    const v = p + (ext ? 4 : 3)
    const end = v + vlen
    if (end > aEnd) return false
    const expected = FLAGS[code]
    if (expected === undefined) return false
    // RFC 4271 §4.3 / RFC 7606 §3(c): the bits must match the definition; Partial only on optional transitive.
    if ((flags & 0xc0) !== expected || ((flags & 0x20) !== 0 && expected === 0x40)) return false
    if (code === 32) {
      if (seenLarge) return false
      seenLarge = true
    } else {
      const bit = 1 << code
      if (seen & bit) return false
      seen |= bit
    }
    count++
    switch (code) {
      case 1: // ORIGIN: one octet, IGP, EGP or INCOMPLETE
        if (vlen !== 1 || raw[v]! > 2) return false
        break
      case 2: // AS_PATH
        if (!segmentsOk(raw, v, end, width)) return false
        break
      case 3: // NEXT_HOP
        if (vlen !== 4) return false
        s.nextHop = v
        break
      case 4: // MULTI_EXIT_DISC
      case 5: // LOCAL_PREF
      case 9: // ORIGINATOR_ID
        if (vlen !== 4) return false
        break
      case 6: // ATOMIC_AGGREGATE
        if (vlen !== 0) return false
        break
      case 7: // AGGREGATOR
        if (vlen !== (ctx.asn4 ? 8 : 6)) return false
        break
      case 8: // COMMUNITIES
      case 10: // CLUSTER_LIST
        if (vlen % 4 !== 0) return false
        break
      case 16: // EXTENDED_COMMUNITIES
        if (vlen % 8 !== 0) return false
        break
      case 32: // LARGE_COMMUNITY
        if (vlen % 12 !== 0) return false
        break
      case 14:
        if (!scanReach(raw, v, end, ctx, s)) return false
        break
      case 15:
        if (!scanUnreach(raw, v, end, ctx, s)) return false
        break
      default:
        return false
    }
    p = end
  }
  if (!plainNlriOk(raw, p, len, 32, v4AddPath)) return false
  s.nlriStart = p
  s.nlriEnd = len
  s.attributes = count
  const nlri = len > p
  const mpNlri = reachHasNlri(s)
  if (nlri || mpNlri) {
    // RFC 7606 §3(d): a missing mandatory attribute is for the full decode to classify.
    if ((seen & 0b110) !== 0b110) return false
    if (nlri && s.nextHop < 0) return false
  }
  s.endOfRib = -1
  if (wlen === 0 && !nlri) {
    if (count === 0) s.endOfRib = V4_UNICAST
    else if (count === 1 && s.unreach >= 0 && !unreachHasNlri(s)) s.endOfRib = s.unreach
  }
  return true
}

function reachHasNlri(s: UpdateScan): boolean {
  if (s.reach < 0) return false
  return s.reachDecoded ? s.reachDecoded.nlri.length > 0 : s.reachEnd > s.reachNlri
}

function unreachHasNlri(s: UpdateScan): boolean {
  return s.unreachDecoded ? s.unreachDecoded.nlri.length > 0 : s.unreachEnd > s.unreachNlri
}

/** The families whose routes an UPDATE scanUpdate took announces (IPv4 NLRI field first). */
export function announcedFamilies(s: UpdateScan): FamilyKey[] {
  const out: FamilyKey[] = []
  if (s.nlriEnd > s.nlriStart) out.push(V4_UNICAST)
  if (reachHasNlri(s)) out.push(s.reach)
  return out
}

/** The routes of an UPDATE scanUpdate took, as updateRoutes gives them (attributes undecoded). */
export function scannedRoutes(raw: Uint8Array, ctx: CodecContext, s: UpdateScan): UpdateRoutes | undefined {
  const v4AddPath = ctx.addPath.has(V4_UNICAST)
  const withdrawn =
    s.withdrawnEnd > s.withdrawnStart
      ? nlriList(raw, s.withdrawnStart, s.withdrawnEnd, 1, 1, v4AddPath, true)
      : NO_NLRI
  const nlri =
    s.nlriEnd > s.nlriStart ? nlriList(raw, s.nlriStart, s.nlriEnd, 1, 1, v4AddPath, false) : NO_NLRI
  const mpReach =
    s.reach < 0
      ? undefined
      : (s.reachDecoded ?? mpAttribute<MpReachNlri>(14, raw, s.reachValue, s.reachEnd, ctx))
  const mpUnreach =
    s.unreach < 0
      ? undefined
      : (s.unreachDecoded ?? mpAttribute<MpUnreachNlri>(15, raw, s.unreachValue, s.unreachEnd, ctx))
  if (!withdrawn || !nlri || (s.reach >= 0 && !mpReach) || (s.unreach >= 0 && !mpUnreach)) return undefined
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
    announce.push({ family: 'ipv4-unicast', afi: 1, safi: 1, nextHop: [formatIPv4(raw, s.nextHop)], nlri })
  }
  if (mpReach?.nlri.length) {
    announce.push({
      family: mpReach.family,
      afi: mpReach.afi,
      safi: mpReach.safi,
      nextHop: mpReach.nextHopRaw ? [mpReach.nextHopRaw] : mpReach.nextHop,
      nlri: mpReach.nlri,
    })
  }
  return {
    announce,
    withdraw,
    attributes: UNDECODED_ATTRIBUTES,
    ...(s.endOfRib >= 0 ? { endOfRib: familyNameOfKey(s.endOfRib) } : {}),
    disabled: [],
    treatedAsWithdraw: false,
  }
}

const SCRATCH = newUpdateScan()

/**
 * The routes of a clean UPDATE read in place, or undefined when the full
 * decode must decide. `raw` is the whole message, header included.
 */
export function leanUpdate(raw: Uint8Array, ctx: CodecContext): UpdateRoutes | undefined {
  return scanUpdate(raw, ctx, SCRATCH) ? scannedRoutes(raw, ctx, SCRATCH) : undefined
}
