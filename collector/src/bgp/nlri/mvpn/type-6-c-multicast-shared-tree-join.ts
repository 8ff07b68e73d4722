// MCAST-VPN route type 6, C-multicast route, Shared Tree Join (RFC 6514 §4.6):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
//   +-----------------------------------+
//   |    Source AS (4 octets)           |
//   +-----------------------------------+
//   | Multicast Source Length (1 octet) |
//   +-----------------------------------+
//   |  Multicast Source (variable)      |  the C-RP address
//   +-----------------------------------+
//   |  Multicast Group Length (1 octet) |
//   +-----------------------------------+
//   |  Multicast Group   (variable)     |
//   +-----------------------------------+

import type { Reader } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'
import {
  type CMulticastFields,
  cMulticastKey,
  cMulticastSize,
  readCMulticast,
  writeCMulticast,
} from './c-multicast.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnSharedTreeJoinRoute extends CMulticastFields {
  readonly routeType: 6
}

export const sharedTreeJoin: MvpnRouteTypeCodec<MvpnSharedTreeJoinRoute> = {
  code: 6,
  name: 'c-multicast-shared-tree-join',
  decode: (r: Reader) => ({ routeType: 6, ...readCMulticast(r) }),
  size: cMulticastSize,
  encode: (w: Writer, v) => writeCMulticast(w, v),
  key: (v) => `6:${cMulticastKey(v)}`,
}
