// EVPN route type 1, Ethernet Auto-discovery (RFC 7432 §7.1):
//
//   +---------------------------------------+
//   |  Route Distinguisher (RD) (8 octets)  |
//   +---------------------------------------+
//   |Ethernet Segment Identifier (10 octets)|
//   +---------------------------------------+
//   |  Ethernet Tag ID (4 octets)           |
//   +---------------------------------------+
//   |  MPLS Label (3 octets)                |
//   +---------------------------------------+
//
// The route key is RD, ESI and Ethernet Tag ID; the label is not part of it.

import { type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32 } from '../../../wire/writer.ts'
import { type Esi, formatEsi, readEsi, writeEsi } from './esi.ts'
import { type Label24, readLabel24, writeLabel24 } from './fields.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnEthernetAdRoute {
  readonly routeType: 1
  readonly rd: string
  readonly esi: Esi
  readonly ethernetTag: number
  readonly label: Label24
}

export const ethernetAd: EvpnRouteTypeCodec<EvpnEthernetAdRoute> = {
  code: 1,
  name: 'ethernet-auto-discovery',
  decode(r: Reader) {
    const rd = readRd(r)
    const esi = readEsi(r)
    const ethernetTag = u32(r)
    const label = readLabel24(r)
    return { routeType: 1, rd, esi, ethernetTag, label }
  },
  size: () => 25,
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    w32(w, v.ethernetTag)
    writeLabel24(w, v.label)
  },
  key: (v) => `1:${v.rd}:${formatEsi(v.esi)}:${v.ethernetTag}`,
}
