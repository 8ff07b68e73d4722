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

const FLAT = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 25, 26, 32, 35])

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
  let communities: readonly string[] = []
  let extendedCommunities: readonly ExtendedCommunity[] = []
  let ipv6ExtendedCommunities: readonly Ipv6ExtendedCommunity[] = []
  let largeCommunities: readonly string[] = []
  let originatorId: string | undefined
  let clusterList: readonly string[] | undefined
  let otc: number | undefined
  let aigp: bigint | undefined
  const other: PathAttribute[] = []
  const seen = new Set<number>()
  for (const a of attributes) {
    // The first occurrence decides even when it is malformed: later ones are discarded (RFC 7606 §3(g)).
    if (seen.has(a.code)) continue
    seen.add(a.code)
    if (a.name === 'MALFORMED') continue
    if (!FLAT.has(a.code) || a.name === 'UNKNOWN') {
      if (a.code !== 14 && a.code !== 15 && a.code !== 3) other.push(a)
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
  const eff = effectivePath(ctx.asn4, asPath, aggregator, as4Path, as4Aggregator)
  return {
    ...(origin !== undefined ? { origin } : {}),
    asPath: eff.asPath,
    ...(med !== undefined ? { med } : {}),
    ...(localPref !== undefined ? { localPref } : {}),
    atomicAggregate,
    ...(eff.aggregator ? { aggregator: eff.aggregator } : {}),
    communities,
    extendedCommunities,
    ipv6ExtendedCommunities,
    largeCommunities,
    ...(originatorId !== undefined ? { originatorId } : {}),
    ...(clusterList !== undefined ? { clusterList } : {}),
    ...(otc !== undefined ? { otc } : {}),
    ...(aigp !== undefined ? { aigp } : {}),
    other,
  }
}

function addTo(list: FamilyNlri[], family: string, afi: number, safi: number, nlri: readonly Nlri[]): void {
  if (!nlri.length) return
  const same = list.find((x) => x.family === family)
  if (same) list[list.indexOf(same)] = { ...same, nlri: [...same.nlri, ...nlri] }
  else list.push({ family, afi, safi, nlri })
}

export function updateRoutes(
  u: UpdateMessage,
  problems: readonly Problem[],
  ctx: Pick<CodecContext, 'asn4'>,
): UpdateRoutes {
  let treatAsWithdraw = false
  const disabled: string[] = []
  for (const p of problems) {
    if (p.action === 'treat-as-withdraw') treatAsWithdraw = true
    else if (p.action === 'afi-safi-disable' && p.family && !disabled.includes(p.family))
      disabled.push(p.family)
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
      if (!disabled.includes(a.value.family))
        addTo(withdraw, a.value.family, a.value.afi, a.value.safi, a.value.nlri)
    } else if (a.name === 'MP_REACH_NLRI' && !mpReachSeen) {
      mpReachSeen = true
      const v = a.value
      if (disabled.includes(v.family) || !v.nlri.length) continue
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
        nextHop: nextHop ? [nextHop] : [],
        nlri: u.nlri,
      })
  }
  return {
    announce,
    withdraw,
    attributes: routeAttributes(u.attributes, ctx),
    ...(u.endOfRib ? { endOfRib: u.endOfRib } : {}),
    disabled,
    treatedAsWithdraw: treatAsWithdraw,
  }
}
