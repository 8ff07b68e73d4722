// MCAST-VPN route type 7, C-multicast route, Source Tree Join (RFC 6514 §4.6):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
//   +-----------------------------------+
//   |    Source AS (4 octets)           |
//   +-----------------------------------+
//   | Multicast Source Length (1 octet) |
//   +-----------------------------------+
//   |  Multicast Source (variable)      |
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

export interface MvpnSourceTreeJoinRoute extends CMulticastFields {
  readonly routeType: 7
}

export const sourceTreeJoin: MvpnRouteTypeCodec<MvpnSourceTreeJoinRoute> = {
  code: 7,
  name: 'c-multicast-source-tree-join',
  decode: (r: Reader) => ({ routeType: 7, ...readCMulticast(r) }),
  size: cMulticastSize,
  encode: (w: Writer, v) => writeCMulticast(w, v),
  key: (v) => `7:${cMulticastKey(v)}`,
}
