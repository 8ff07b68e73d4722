// MCAST-VPN route type 1, Intra-AS I-PMSI A-D route (RFC 6514 §4.1):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
//   +-----------------------------------+
//   |   Originating Router's IP Addr    |  4 or 16 octets: the rest of the route
//   +-----------------------------------+

import type { Reader } from '../../../wire/reader.ts'
import { type Writer, wbytes } from '../../../wire/writer.ts'
import { addressBytes, addressOctets, readTrailingAddress } from '../evpn/fields.ts'
import { readRd, writeRd } from '../evpn/rd.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnIntraAsIPmsiAdRoute {
  readonly routeType: 1
  readonly rd: string
  /** The Originating Router's IP Address. */
  readonly originator: string
}

export const intraAsIPmsiAd: MvpnRouteTypeCodec<MvpnIntraAsIPmsiAdRoute> = {
  code: 1,
  name: 'intra-as-i-pmsi-ad',
  decode(r: Reader) {
    const rd = readRd(r)
    const originator = readTrailingAddress(r, "originating router's IP address")
    return { routeType: 1, rd, originator }
  },
  size: (v) => 8 + addressOctets(v.originator),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    wbytes(w, addressBytes(v.originator))
  },
  key: (v) => `1:${v.rd}:${v.originator}`,
}
