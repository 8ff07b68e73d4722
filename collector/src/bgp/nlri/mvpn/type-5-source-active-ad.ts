// MCAST-VPN route type 5, Source Active A-D route (RFC 6514 §4.5):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
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
import { readRd, writeRd } from '../evpn/rd.ts'
import {
  readSourceGroup,
  type SourceGroup,
  sourceGroupKey,
  sourceGroupSize,
  writeSourceGroup,
} from './source-group.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnSourceActiveAdRoute extends SourceGroup {
  readonly routeType: 5
  readonly rd: string
}

export const sourceActiveAd: MvpnRouteTypeCodec<MvpnSourceActiveAdRoute> = {
  code: 5,
  name: 'source-active-ad',
  decode(r: Reader) {
    const rd = readRd(r)
    const sg = readSourceGroup(r)
    return { routeType: 5, rd, ...sg }
  },
  size: (v) => 8 + sourceGroupSize(v),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeSourceGroup(w, v)
  },
  key: (v) => `5:${v.rd}:${sourceGroupKey(v)}`,
}
