// MCAST-VPN route type 2, Inter-AS I-PMSI A-D route (RFC 6514 §4.2):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
//   +-----------------------------------+
//   |      Source AS (4 octets)         |
//   +-----------------------------------+

import { type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32 } from '../../../wire/writer.ts'
import { readRd, writeRd } from '../evpn/rd.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnInterAsIPmsiAdRoute {
  readonly routeType: 2
  readonly rd: string
  readonly sourceAs: number
}

export const interAsIPmsiAd: MvpnRouteTypeCodec<MvpnInterAsIPmsiAdRoute> = {
  code: 2,
  name: 'inter-as-i-pmsi-ad',
  decode(r: Reader) {
    const rd = readRd(r)
    const sourceAs = u32(r)
    return { routeType: 2, rd, sourceAs }
  },
  size: () => 12,
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    w32(w, v.sourceAs)
  },
  key: (v) => `2:${v.rd}:${v.sourceAs}`,
}
