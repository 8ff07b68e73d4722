// EVPN route type 4, Ethernet Segment (RFC 7432 §7.4):
//
//   +---------------------------------------+
//   |  RD (8 octets)                        |
//   +---------------------------------------+
//   |Ethernet Segment Identifier (10 octets)|
//   +---------------------------------------+
//   |  IP Address Length (1 octet)          |  32 or 128
//   +---------------------------------------+
//   |  Originating Router's IP Address      |
//   |          (4 or 16 octets)             |
//   +---------------------------------------+
//
// Every field is part of the route key.

import type { Reader } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'
import { type Esi, formatEsi, readEsi, writeEsi } from './esi.ts'
import { lengthAddressSize, readLengthAddress, writeLengthAddress } from './fields.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnEthernetSegmentRoute {
  readonly routeType: 4
  readonly rd: string
  readonly esi: Esi
  /** The Originating Router's IP Address. */
  readonly originator: string
}

export const ethernetSegment: EvpnRouteTypeCodec<EvpnEthernetSegmentRoute> = {
  code: 4,
  name: 'ethernet-segment',
  decode(r: Reader) {
    const rd = readRd(r)
    const esi = readEsi(r)
    const originator = readLengthAddress(r, "originating router's IP address", false)!
    return { routeType: 4, rd, esi, originator }
  },
  size: (v) => 8 + 10 + lengthAddressSize(v.originator),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    writeLengthAddress(w, v.originator)
  },
  key: (v) => `4:${v.rd}:${formatEsi(v.esi)}:${v.originator}`,
}
