// Every MCAST-VPN route type the codec decodes, one line each, keyed by route
// type. A route type not listed here is kept raw (route.ts).

import { intraAsIPmsiAd, type MvpnIntraAsIPmsiAdRoute } from './type-1-intra-as-i-pmsi-ad.ts'
import { interAsIPmsiAd, type MvpnInterAsIPmsiAdRoute } from './type-2-inter-as-i-pmsi-ad.ts'
import { type MvpnSPmsiAdRoute, sPmsiAd } from './type-3-s-pmsi-ad.ts'
import { leafAd, type MvpnLeafAdRoute } from './type-4-leaf-ad.ts'
import { type MvpnSourceActiveAdRoute, sourceActiveAd } from './type-5-source-active-ad.ts'
import { type MvpnSharedTreeJoinRoute, sharedTreeJoin } from './type-6-c-multicast-shared-tree-join.ts'
import { type MvpnSourceTreeJoinRoute, sourceTreeJoin } from './type-7-c-multicast-source-tree-join.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

/** A route of a type the codec does not decode: its route type specific field, hex (its length is the length sent). */
export interface MvpnUnknownRoute {
  readonly routeType: number
  readonly raw: string
}

export type MvpnRoute =
  | MvpnIntraAsIPmsiAdRoute
  | MvpnInterAsIPmsiAdRoute
  | MvpnSPmsiAdRoute
  | MvpnLeafAdRoute
  | MvpnSourceActiveAdRoute
  | MvpnSharedTreeJoinRoute
  | MvpnSourceTreeJoinRoute
  | MvpnUnknownRoute

// biome-ignore lint/suspicious/noExplicitAny: the registry holds codecs of every route shape
type AnyRouteType = MvpnRouteTypeCodec<any>

let TABLE: (AnyRouteType | undefined)[] | undefined

// Built on first use: the Leaf A-D route nests a route (type-4-leaf-ad.ts
// imports route.ts, which imports this module), so nothing may run before
// all of them are loaded.
function table(): (AnyRouteType | undefined)[] {
  if (TABLE) return TABLE
  const t = new Array<AnyRouteType | undefined>(256)
  for (const c of registeredMvpnRouteTypes()) {
    if (t[c.code]) throw new Error(`MCAST-VPN route type ${c.code} registered twice`)
    t[c.code] = c
  }
  TABLE = t
  return t
}

export function registeredMvpnRouteTypes(): readonly MvpnRouteTypeCodec<MvpnRoute>[] {
  return [intraAsIPmsiAd, interAsIPmsiAd, sPmsiAd, leafAd, sourceActiveAd, sharedTreeJoin, sourceTreeJoin]
}

export function mvpnRouteType(code: number): MvpnRouteTypeCodec<MvpnRoute> | undefined {
  return table()[code]
}
