// EVPN route type 6, Selective Multicast Ethernet Tag (SMET) (RFC 9251 §9.1):
//
//   +--------------------------------------------------+
//   |  RD (8 octets)                                   |
//   +--------------------------------------------------+
//   |  Ethernet Tag ID (4 octets)                      |
//   +--------------------------------------------------+
//   |  Multicast Source Length (1 octet)               |
//   |  Multicast Source Address (variable)             |
//   |  Multicast Group Length (1 octet)                |
//   |  Multicast Group Address (variable)              |
//   |  Originator Router Length (1 octet)              |
//   |  Originator Router Address (variable)            |
//   +--------------------------------------------------+
//   |  Flags (1 octet)                                 |
//   +--------------------------------------------------+
//
// See multicast.ts for the shared fields and the Flags bits. Every field but
// Flags is part of the route key.

import { type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32 } from '../../../wire/writer.ts'
import {
  type EvpnMulticastFields,
  multicastFieldsSize,
  multicastKey,
  readFlags,
  readMulticastFields,
  writeFlags,
  writeMulticastFields,
} from './multicast.ts'
import { readRd, writeRd } from './rd.ts'
import type { EvpnRouteTypeCodec } from './types.ts'

export interface EvpnSmetRoute extends EvpnMulticastFields {
  readonly routeType: 6
  readonly rd: string
  readonly ethernetTag: number
  /** Absent only when the route was sent without it (pre-RFC 9251 drafts). */
  readonly flags?: number
}

export const smet: EvpnRouteTypeCodec<EvpnSmetRoute> = {
  code: 6,
  name: 'selective-multicast-ethernet-tag',
  decode(r: Reader) {
    const rd = readRd(r)
    const ethernetTag = u32(r)
    const m = readMulticastFields(r)
    const flags = readFlags(r)
    return { routeType: 6, rd, ethernetTag, ...m, ...(flags !== undefined ? { flags } : {}) }
  },
  size: (v) => 8 + 4 + multicastFieldsSize(v) + (v.flags !== undefined ? 1 : 0),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    w32(w, v.ethernetTag)
    writeMulticastFields(w, v)
    writeFlags(w, v.flags)
  },
  key: (v) => `6:${v.rd}:${v.ethernetTag}:${multicastKey(v)}`,
}
