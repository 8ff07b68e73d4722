// EVPN route type 7, Multicast Membership Report Synch (IGMP Join Synch)
// (RFC 9251 §9.2):
//
//   +--------------------------------------------------+
//   |  RD (8 octets)                                   |
//   +--------------------------------------------------+
//   |  Ethernet Segment Identifier (10 octets)         |
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
import { type Esi, formatEsi, readEsi, writeEsi } from './esi.ts'
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

export interface EvpnIgmpJoinSyncRoute extends EvpnMulticastFields {
  readonly routeType: 7
  readonly rd: string
  readonly esi: Esi
  readonly ethernetTag: number
  /** Absent only when the route was sent without it (pre-RFC 9251 drafts). */
  readonly flags?: number
}

export const igmpJoinSync: EvpnRouteTypeCodec<EvpnIgmpJoinSyncRoute> = {
  code: 7,
  name: 'igmp-join-sync',
  decode(r: Reader) {
    const rd = readRd(r)
    const esi = readEsi(r)
    const ethernetTag = u32(r)
    const m = readMulticastFields(r)
    const flags = readFlags(r)
    return { routeType: 7, rd, esi, ethernetTag, ...m, ...(flags !== undefined ? { flags } : {}) }
  },
  size: (v) => 8 + 10 + 4 + multicastFieldsSize(v) + (v.flags !== undefined ? 1 : 0),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    w32(w, v.ethernetTag)
    writeMulticastFields(w, v)
    writeFlags(w, v.flags)
  },
  key: (v) => `7:${v.rd}:${formatEsi(v.esi)}:${v.ethernetTag}:${multicastKey(v)}`,
}
