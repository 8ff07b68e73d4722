// MCAST-VPN route type 3, S-PMSI A-D route (RFC 6514 §4.3):
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
//   |   Originating Router's IP Addr    |  4 or 16 octets: the rest of the route
//   +-----------------------------------+

import type { Reader } from '../../../wire/reader.ts'
import { type Writer, wbytes } from '../../../wire/writer.ts'
import { addressBytes, addressOctets, readTrailingAddress } from '../evpn/fields.ts'
import { readRd, writeRd } from '../evpn/rd.ts'
import {
  readSourceGroup,
  type SourceGroup,
  sourceGroupKey,
  sourceGroupSize,
  writeSourceGroup,
} from './source-group.ts'
import type { MvpnRouteTypeCodec } from './types.ts'

export interface MvpnSPmsiAdRoute extends SourceGroup {
  readonly routeType: 3
  readonly rd: string
  /** The Originating Router's IP Address. */
  readonly originator: string
}

export const sPmsiAd: MvpnRouteTypeCodec<MvpnSPmsiAdRoute> = {
  code: 3,
  name: 's-pmsi-ad',
  decode(r: Reader) {
    const rd = readRd(r)
    const sg = readSourceGroup(r)
    const originator = readTrailingAddress(r, "originating router's IP address")
    return { routeType: 3, rd, ...sg, originator }
  },
  size: (v) => 8 + sourceGroupSize(v) + addressOctets(v.originator),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeSourceGroup(w, v)
    wbytes(w, addressBytes(v.originator))
  },
  key: (v) => `3:${v.rd}:${sourceGroupKey(v)}:${v.originator}`,
}
