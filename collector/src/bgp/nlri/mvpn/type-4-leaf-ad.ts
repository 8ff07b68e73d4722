// MCAST-VPN route type 4, Leaf A-D route (RFC 6514 §4.4):
//
//   +-----------------------------------+
//   |      Route Key (variable)         |  a whole MCAST-VPN NLRI: type, length, value
//   +-----------------------------------+
//   |   Originating Router's IP Addr    |  4 or 16 octets: the rest of the route
//   +-----------------------------------+
//
// The Route Key is the NLRI of the route this one answers (an S-PMSI or
// Inter-AS I-PMSI A-D route), decoded as a nested MCAST-VPN route; one of a
// type the codec does not know is kept raw there as anywhere.

import type { Reader } from '../../../wire/reader.ts'
import { type Writer, wbytes } from '../../../wire/writer.ts'
import { addressBytes, addressOctets, readTrailingAddress } from '../evpn/fields.ts'
import type { MvpnRoute } from './registry.ts'
import { decodeMvpnRoute, mvpnRouteKey, mvpnRouteSize, writeMvpnRoute } from './route.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnLeafAdRoute {
  readonly routeType: 4
  readonly routeKey: MvpnRoute
  /** The Originating Router's IP Address. */
  readonly originator: string
}

export const leafAd: MvpnRouteTypeCodec<MvpnLeafAdRoute> = {
  code: 4,
  name: 'leaf-ad',
  decode(r: Reader) {
    const routeKey = decodeMvpnRoute(r)
    const originator = readTrailingAddress(r, "originating router's IP address")
    return { routeType: 4, routeKey, originator }
  },
  size: (v) => mvpnRouteSize(v.routeKey) + addressOctets(v.originator),
  encode(w: Writer, v) {
    writeMvpnRoute(w, v.routeKey)
    wbytes(w, addressBytes(v.originator))
  },
  key: (v) => `4:[${mvpnRouteKey(v.routeKey)}]:${v.originator}`,
}
