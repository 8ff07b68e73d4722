// EVPN route type 2, MAC/IP Advertisement (RFC 7432 §7.2):
//
//   +---------------------------------------+
//   |  RD (8 octets)                        |
//   +---------------------------------------+
//   |Ethernet Segment Identifier (10 octets)|
//   +---------------------------------------+
//   |  Ethernet Tag ID (4 octets)           |
//   +---------------------------------------+
//   |  MAC Address Length (1 octet)         |  48
//   +---------------------------------------+
//   |  MAC Address (6 octets)               |
//   +---------------------------------------+
//   |  IP Address Length (1 octet)          |  0, 32 or 128
//   +---------------------------------------+
//   |  IP Address (0, 4, or 16 octets)      |
//   +---------------------------------------+
//   |  MPLS Label1 (3 octets)               |
//   +---------------------------------------+
//   |  MPLS Label2 (0 or 3 octets)          |
//   +---------------------------------------+
//
// Label2 is present when the route's length leaves 3 more octets (RFC 7432
// §7.2, RFC 9135 §5.1). The route key is RD, Ethernet Tag ID, MAC and IP;
// ESI and labels are not part of it. A MAC length other than 48, an IP length
// other than 0/32/128 or a tail that is neither 3 nor 6 octets is a malformed
// route (RFC 7606 §5.3).

import { type Reader, u8, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w32 } from '../../../wire/writer.ts'
import { type Esi, readEsi, writeEsi } from './esi.ts'
import {
  invalid,
  type Label24,
  lengthAddressSize,
  readLabel24,
  readLengthAddress,
  readMac,
  writeLabel24,
  writeLengthAddress,
  writeMac,
} from './fields.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnMacIpRoute {
  readonly routeType: 2
  readonly rd: string
  readonly esi: Esi
  readonly ethernetTag: number
  readonly mac: string
  /** Absent when the IP Address Length is 0. */
  readonly ip?: string
  /** MPLS Label1, and Label2 when sent. */
  readonly labels: readonly Label24[]
}

export const macIp: EvpnRouteTypeCodec<EvpnMacIpRoute> = {
  code: 2,
  name: 'mac-ip-advertisement',
  decode(r: Reader) {
    const rd = readRd(r)
    const esi = readEsi(r)
    const ethernetTag = u32(r)
    const macAt = r.pos
    const macBits = u8(r)
    if (macBits !== 48) throw invalid(`MAC address length ${macBits}, not 48`, macAt)
    const mac = readMac(r)
    const ip = readLengthAddress(r, 'IP address', true)
    const tail = r.end - r.pos
    if (tail !== 3 && tail !== 6) throw invalid(`${tail} octets for the labels, not 3 or 6`, r.pos)
    const labels = tail === 3 ? [readLabel24(r)] : [readLabel24(r), readLabel24(r)]
    return ip === undefined
      ? { routeType: 2, rd, esi, ethernetTag, mac, labels }
      : { routeType: 2, rd, esi, ethernetTag, mac, ip, labels }
  },
  size: (v) => 8 + 10 + 4 + 1 + 6 + lengthAddressSize(v.ip) + 3 * v.labels.length,
  encode(w: Writer, v) {
    if (v.labels.length !== 1 && v.labels.length !== 2) {
      throw invalid(`MAC/IP route with ${v.labels.length} labels, not 1 or 2`)
    }
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    w32(w, v.ethernetTag)
    w8(w, 48)
    writeMac(w, v.mac)
    writeLengthAddress(w, v.ip)
    for (const l of v.labels) writeLabel24(w, l)
  },
  key: (v) => `2:${v.rd}:${v.ethernetTag}:${v.mac}:${v.ip ?? ''}`,
}
