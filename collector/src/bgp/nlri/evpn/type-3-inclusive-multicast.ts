// EVPN route type 3, Inclusive Multicast Ethernet Tag (RFC 7432 §7.3):
//
//   +---------------------------------------+
//   |  RD (8 octets)                        |
//   +---------------------------------------+
//   |  Ethernet Tag ID (4 octets)           |
//   +---------------------------------------+
//   |  IP Address Length (1 octet)          |  32 or 128
//   +---------------------------------------+
//   |  Originating Router's IP Address      |
//   |          (4 or 16 octets)             |
//   +---------------------------------------+
//
// Every field is part of the route key. The tunnel to use comes in the PMSI
// Tunnel attribute (RFC 7432 §11.1, attributes/attr-22-pmsi-tunnel.ts).

import { type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32 } from '../../../wire/writer.ts'
import { lengthAddressSize, readLengthAddress, writeLengthAddress } from './fields.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnInclusiveMulticastRoute {
  readonly routeType: 3
  readonly rd: string
  readonly ethernetTag: number
  /** The Originating Router's IP Address. */
  readonly originator: string
}

export const inclusiveMulticast: EvpnRouteTypeCodec<EvpnInclusiveMulticastRoute> = {
  code: 3,
  name: 'inclusive-multicast-ethernet-tag',
  decode(r: Reader) {
    const rd = readRd(r)
    const ethernetTag = u32(r)
    const originator = readLengthAddress(r, "originating router's IP address", false)!
    return { routeType: 3, rd, ethernetTag, originator }
  },
  size: (v) => 8 + 4 + lengthAddressSize(v.originator),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    w32(w, v.ethernetTag)
    writeLengthAddress(w, v.originator)
  },
  key: (v) => `3:${v.rd}:${v.ethernetTag}:${v.originator}`,
}
