// MCAST-VPN, SAFI 5 for AFI 1 (ipv4-mvpn) and AFI 2 (ipv6-mvpn) (RFC 6514 §4,
// RFC 6515 for IPv6): a list of typed routes (route.ts, registry.ts). The
// next hop is an IPv4 or IPv6 address of the advertising PE.
//
// RFC 7606: an unrecognized route type is kept raw and is not an error
// (§5.4; RFC 7606 says to discard it, a collector records it instead). A
// route whose fields do not add up to its Length, or a Length that overruns
// the NLRI field, is a malformed NLRI (§5.3): a CodecError of kind
// INVALID_NETWORK_FIELD, which MP_REACH_NLRI/MP_UNREACH_NLRI turn into
// afi-safi-disable of the family, never a session reset (see
// evpn/family.ts for why not treat-as-withdraw).

import type { FamilyCodec } from '../types.ts'
import type { MvpnRoute } from './registry.ts'
import { decodeMvpnRoute, mvpnRouteKey, mvpnRouteSize, writeMvpnRoute } from './route.ts'

export type MvpnNlri = MvpnRoute & { readonly pathId?: number }

export function mvpnFamily(afi: 1 | 2, name: string): FamilyCodec<MvpnNlri> {
  return {
    afi,
    safi: 5,
    name,
    nextHop: 'ip',
    decode(r, pathId) {
      const route = decodeMvpnRoute(r)
      return pathId === undefined ? route : { ...route, pathId }
    },
    size: (n) => mvpnRouteSize(n),
    encode: (w, n) => writeMvpnRoute(w, n),
    key: (n) => mvpnRouteKey(n),
  }
}
