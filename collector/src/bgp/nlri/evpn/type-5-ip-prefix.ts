// EVPN route type 5, IP Prefix (RFC 9136 §3.1):
//
//   +---------------------------------------+
//   |      RD (8 octets)                    |
//   +---------------------------------------+
//   |Ethernet Segment Identifier (10 octets)|
//   +---------------------------------------+
//   |  Ethernet Tag ID (4 octets)           |
//   +---------------------------------------+
//   |  IP Prefix Length (1 octet)           |  0..32 or 0..128
//   +---------------------------------------+
//   |  IP Prefix (4 or 16 octets)           |
//   +---------------------------------------+
//   |  GW IP Address (4 or 16 octets)       |
//   +---------------------------------------+
//   |  MPLS Label (3 octets)                |
//   +---------------------------------------+
//
// The route's length says the family (RFC 9136 §3.1): 34 octets IPv4, 58
// IPv6; prefix and gateway are of the same family. Unlike plain NLRI the
// prefix is sent as a whole address, so its text keeps every bit as sent
// ("10.1.2.3/24" stays so) and encoding reproduces it. The route key is RD,
// Ethernet Tag ID and the prefix; ESI, gateway and label are not part of it.

import { parsePrefix } from '../../../wire/ip.ts'
import { type Reader, u8, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w32, wbytes } from '../../../wire/writer.ts'
import { type Esi, readEsi, writeEsi } from './esi.ts'
import {
  addressBytes,
  addressOctets,
  invalid,
  type Label24,
  readAddress,
  readLabel24,
  writeLabel24,
} from './fields.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnIpPrefixRoute {
  readonly routeType: 5
  readonly rd: string
  readonly esi: Esi
  readonly ethernetTag: number
  /** "address/length", the address exactly as sent. */
  readonly prefix: string
  /** The GW IP Address ("0.0.0.0" or "::" when none, RFC 9136 §3.1). */
  readonly gateway: string
  readonly label: Label24
}

function prefixParts(prefix: string): { address: Uint8Array; length: number } {
  const p = parsePrefix(prefix)
  if (!p || !prefix.includes('/')) throw invalid(`not a prefix: ${prefix}`)
  return p
}

export const ipPrefix: EvpnRouteTypeCodec<EvpnIpPrefixRoute> = {
  code: 5,
  name: 'ip-prefix',
  decode(r: Reader) {
    const total = r.end - r.pos
    if (total !== 34 && total !== 58) throw invalid(`IP prefix route of ${total} octets, not 34 or 58`, r.pos)
    const width = total === 34 ? 4 : 16
    const rd = readRd(r)
    const esi = readEsi(r)
    const ethernetTag = u32(r)
    const lenAt = r.pos
    const bits = u8(r)
    if (bits > width * 8) throw invalid(`IP prefix length ${bits} exceeds ${width * 8}`, lenAt)
    const prefix = `${readAddress(r, width)}/${bits}`
    const gateway = readAddress(r, width)
    const label = readLabel24(r)
    return { routeType: 5, rd, esi, ethernetTag, prefix, gateway, label }
  },
  size: (v) => (addressOctets(v.gateway) === 4 ? 34 : 58),
  encode(w: Writer, v) {
    const p = prefixParts(v.prefix)
    const gw = addressBytes(v.gateway)
    if (p.address.length !== gw.length)
      throw invalid(`prefix ${v.prefix} and gateway ${v.gateway} differ in family`)
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    w32(w, v.ethernetTag)
    w8(w, p.length)
    wbytes(w, p.address)
    wbytes(w, gw)
    writeLabel24(w, v.label)
  },
  key: (v) => `5:${v.rd}:${v.ethernetTag}:${v.prefix}`,
}
