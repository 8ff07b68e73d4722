// What an UPDATE means, for the consumers that do not care how it was laid
// out on the wire (RIB, live feed, storage): the announcements and withdrawals
// grouped by family, and one flat, effective set of path attributes.
//
// RFC 7606 is applied here: with treat-as-withdraw every announced route is a
// withdrawal; the families of afi-safi-disable problems are listed in
// `disabled` and none of their routes are kept. Malformed attributes are left
// out (they are MALFORMED in the message); of a repeated attribute only the
// first occurrence counts (RFC 7606 §3(g)).

import { effectivePath } from './attributes/as4-merge.ts'
import type { ExtendedCommunity, Ipv6ExtendedCommunity } from './attributes/extended-communities/types.ts'
import type { Aggregator, AsPathSegment, Origin, PathAttribute } from './attributes/types.ts'
import type { CodecContext } from './context.ts'
import type { Problem } from './errors.ts'
import type { UpdateMessage } from './messages/update.ts'
import type { Nlri } from './nlri/types.ts'

export interface RouteAttributes {
  readonly origin?: Origin
  /** The effective AS path (AS4_PATH merged on 2-octet sessions); empty when absent. */
  readonly asPath: readonly AsPathSegment[]
  readonly med?: number
  readonly localPref?: number
  readonly atomicAggregate: boolean
  /** The effective aggregator (AS4_AGGREGATOR merged on 2-octet sessions). */
  readonly aggregator?: Aggregator
  readonly communities: readonly string[]
  readonly extendedCommunities: readonly ExtendedCommunity[]
  readonly ipv6ExtendedCommunities: readonly Ipv6ExtendedCommunity[]
  readonly largeCommunities: readonly string[]
  readonly originatorId?: string
  readonly clusterList?: readonly string[]
  readonly otc?: number
  readonly aigp?: bigint
  /** Every other well-formed attribute except NEXT_HOP, MP_REACH_NLRI and MP_UNREACH_NLRI, as decoded. */
  readonly other: readonly PathAttribute[]
}

export interface FamilyNlri {
  readonly family: string
  readonly afi: number
  readonly safi: number
  readonly nlri: readonly Nlri[]
}

export interface FamilyAnnouncement extends FamilyNlri {
  /** The next hop(s): NEXT_HOP for the IPv4 NLRI field, MP_REACH_NLRI's otherwise (raw hex form if undecoded). */
  readonly nextHop: readonly string[]
}

export interface UpdateRoutes {
  readonly announce: readonly FamilyAnnouncement[]
  readonly withdraw: readonly FamilyNlri[]
  readonly attributes: RouteAttributes
  readonly endOfRib?: string
  /** Families to disable for the session (RFC 7606 afi-safi-disable); none of their routes appear above. */
  readonly disabled: readonly string[]
  /** The announcements were turned into withdrawals (RFC 7606 treat-as-withdraw). */
  readonly treatedAsWithdraw: boolean
}

// Attributes with a field of their own in RouteAttributes (others go to `other`,
// except NEXT_HOP and the MP attributes, which are part of the announcements).
const FLAT = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 25, 26, 32, 35])

const NONE: readonly never[] = []

/**
 * The flat, effective attribute set. Every result has the same shape (absent
 * fields are undefined, which JSON omits): this runs once per UPDATE on the
 * ingest path, and objects assembled from conditional spreads cost more than
 * the decode that produced the attributes.
 */
export function routeAttributes(
  attributes: readonly PathAttribute[],
  ctx: Pick<CodecContext, 'asn4'>,
): RouteAttributes {
  let origin: Origin | undefined
  let asPath: readonly AsPathSegment[] | undefined
  let as4Path: readonly AsPathSegment[] | undefined
  let med: number | undefined
  let localPref: number | undefined
  let atomicAggregate = false
  let aggregator: Aggregator | undefined
  let as4Aggregator: Aggregator | undefined
  let communities: readonly string[] = NONE
  let extendedCommunities: readonly ExtendedCommunity[] = NONE
  let ipv6ExtendedCommunities: readonly Ipv6ExtendedCommunity[] = NONE
  let largeCommunities: readonly string[] = NONE
  let originatorId: string | undefined
  let clusterList: readonly string[] | undefined
  let otc: number | undefined
  let aigp: bigint | undefined
  let other: PathAttribute[] | undefined
  // Codes seen: a bit per code below 64, a set beyond (as in attribute-list.ts).
  let seenLo = 0
  let seenHi = 0
  let seenRest: Set<number> | undefined
  for (const a of attributes) {
    const code = a.code
    // The first occurrence decides even when it is malformed: later ones are discarded (RFC 7606 §3(g)).
    if (code < 32) {
      if (seenLo & (1 << code)) continue
      seenLo |= 1 << code
    } else if (code < 64) {
      if (seenHi & (1 << (code - 32))) continue
      seenHi |= 1 << (code - 32)
    } else {
      seenRest ??= new Set()
      if (seenRest.has(code)) continue
      seenRest.add(code)
    }
    if (a.name === 'MALFORMED') continue
    if (!FLAT.has(code) || a.name === 'UNKNOWN') {
      if (code !== 14 && code !== 15 && code !== 3) (other ??= []).push(a)
      continue
    }
    switch (a.name) {
      case 'ORIGIN':
        origin = a.value
        break
      case 'AS_PATH':
        asPath = a.value
        break
      case 'AS4_PATH':
        as4Path = a.value
        break
      case 'MULTI_EXIT_DISC':
        med = a.value
        break
      case 'LOCAL_PREF':
        localPref = a.value
        break
      case 'ATOMIC_AGGREGATE':
        atomicAggregate = true
        break
      case 'AGGREGATOR':
        aggregator = a.value
        break
      case 'AS4_AGGREGATOR':
        as4Aggregator = a.value
        break
      case 'COMMUNITIES':
        communities = a.value
        break
      case 'EXTENDED_COMMUNITIES':
        extendedCommunities = a.value
        break
      case 'IPV6_EXTENDED_COMMUNITIES':
        ipv6ExtendedCommunities = a.value
        break
      case 'LARGE_COMMUNITY':
        largeCommunities = a.value
        break
      case 'ORIGINATOR_ID':
        originatorId = a.value
        break
      case 'CLUSTER_LIST':
        clusterList = a.value
        break
      case 'OTC':
        otc = a.value
        break
      case 'AIGP':
        for (const t of a.value) if ('metric' in t) aigp = t.metric
        break
      default:
        break
    }
  }
  // Only a 2-octet session with AS4_* attributes needs the RFC 6793 merge.
  const merge = !ctx.asn4 && (as4Path !== undefined || as4Aggregator !== undefined)
  const eff = merge ? effectivePath(ctx.asn4, asPath, aggregator, as4Path, as4Aggregator) : undefined
  return {
    origin,
    asPath: eff ? eff.asPath : (asPath ?? NONE),
    med,
    localPref,
    atomicAggregate,
    aggregator: eff ? eff.aggregator : aggregator,
    communities,
    extendedCommunities,
    ipv6ExtendedCommunities,
    largeCommunities,
    originatorId,
    clusterList,
    otc,
    aigp,
    other: other ?? NONE,
  }
}

/** Appends NLRI to the list's entry for the family (most UPDATEs have one family: no search then). */
function addTo(list: FamilyNlri[], family: string, afi: number, safi: number, nlri: readonly Nlri[]): void {
  if (!nlri.length) return
  for (let i = 0; i < list.length; i++) {
    const same = list[i]!
    if (same.family === family) {
      list[i] = { family, afi, safi, nlri: [...same.nlri, ...nlri] }
      return
    }
  }
  list.push({ family, afi, safi, nlri })
}

export function updateRoutes(
  u: UpdateMessage,
  problems: readonly Problem[],
  ctx: Pick<CodecContext, 'asn4'>,
): UpdateRoutes {
  let treatAsWithdraw = false
  let disabled: string[] | undefined
  for (const p of problems) {
    if (p.action === 'treat-as-withdraw') treatAsWithdraw = true
    else if (p.action === 'afi-safi-disable' && p.family && !disabled?.includes(p.family))
      (disabled ??= []).push(p.family)
  }
  const announce: FamilyAnnouncement[] = []
  const withdraw: FamilyNlri[] = []
  addTo(withdraw, 'ipv4-unicast', 1, 1, u.withdrawn)
  let nextHop: string | undefined
  let mpReachSeen = false
  let mpUnreachSeen = false
  for (const a of u.attributes) {
    if (a.name === 'NEXT_HOP' && nextHop === undefined) nextHop = a.value
    else if (a.name === 'MP_UNREACH_NLRI' && !mpUnreachSeen) {
      mpUnreachSeen = true
      if (!disabled?.includes(a.value.family))
        addTo(withdraw, a.value.family, a.value.afi, a.value.safi, a.value.nlri)
    } else if (a.name === 'MP_REACH_NLRI' && !mpReachSeen) {
      mpReachSeen = true
      const v = a.value
      if (disabled?.includes(v.family) || !v.nlri.length) continue
      if (treatAsWithdraw) addTo(withdraw, v.family, v.afi, v.safi, v.nlri)
      else
        announce.push({
          family: v.family,
          afi: v.afi,
          safi: v.safi,
          // Decoded addresses when there are any (a raw form may sit beside them to keep the octets).
          nextHop: v.nextHop.length || !v.nextHopRaw ? v.nextHop : [v.nextHopRaw],
          nlri: v.nlri,
        })
    }
  }
  if (u.nlri.length) {
    if (treatAsWithdraw) addTo(withdraw, 'ipv4-unicast', 1, 1, u.nlri)
    else
      announce.unshift({
        family: 'ipv4-unicast',
        afi: 1,
        safi: 1,
        nextHop: nextHop ? [nextHop] : NONE,
        nlri: u.nlri,
      })
  }
  return {
    announce,
    withdraw,
    attributes: routeAttributes(u.attributes, ctx),
    endOfRib: u.endOfRib,
    disabled: disabled ?? NONE,
    treatedAsWithdraw: treatAsWithdraw,
  }
}
