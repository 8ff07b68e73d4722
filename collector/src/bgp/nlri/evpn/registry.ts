// Every EVPN route type the codec decodes, one line each, keyed by route type.
// A route type not listed here is kept raw by the family codec (family.ts).

import type { EvpnEthernetAdRoute } from './type-1-ethernet-ad.ts'
import { ethernetAd } from './type-1-ethernet-ad.ts'
import { type EvpnMacIpRoute, macIp } from './type-2-mac-ip.ts'
import { type EvpnInclusiveMulticastRoute, inclusiveMulticast } from './type-3-inclusive-multicast.ts'
import { type EvpnEthernetSegmentRoute, ethernetSegment } from './type-4-ethernet-segment.ts'
import { type EvpnIpPrefixRoute, ipPrefix } from './type-5-ip-prefix.ts'
import { type EvpnSmetRoute, smet } from './type-6-smet.ts'
import { type EvpnIgmpJoinSyncRoute, igmpJoinSync } from './type-7-igmp-join-sync.ts'
import { type EvpnIgmpLeaveSyncRoute, igmpLeaveSync } from './type-8-igmp-leave-sync.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

/** A route of a type the codec does not decode: its route type specific field, hex (its length is the length sent). */
export interface EvpnUnknownRoute {
  readonly routeType: number
  readonly raw: string
}

export type EvpnRoute =
  | EvpnEthernetAdRoute
  | EvpnMacIpRoute
  | EvpnInclusiveMulticastRoute
  | EvpnEthernetSegmentRoute
  | EvpnIpPrefixRoute
  | EvpnSmetRoute
  | EvpnIgmpJoinSyncRoute
  | EvpnIgmpLeaveSyncRoute
  | EvpnUnknownRoute

// biome-ignore lint/suspicious/noExplicitAny: the registry holds codecs of every route shape
type AnyRouteType = EvpnRouteTypeCodec<any>

const ROUTE_TYPES: readonly AnyRouteType[] = [
  ethernetAd,
  macIp,
  inclusiveMulticast,
  ethernetSegment,
  ipPrefix,
  smet,
  igmpJoinSync,
  igmpLeaveSync,
]

const TABLE = new Array<AnyRouteType | undefined>(256)
for (const c of ROUTE_TYPES) {
  if (TABLE[c.code]) throw new Error(`EVPN route type ${c.code} registered twice`)
  TABLE[c.code] = c
}

export function evpnRouteType(code: number): EvpnRouteTypeCodec<EvpnRoute> | undefined {
  return TABLE[code]
}

export function registeredEvpnRouteTypes(): readonly EvpnRouteTypeCodec<EvpnRoute>[] {
  return ROUTE_TYPES
}
