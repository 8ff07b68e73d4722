// EVPN route type 8, Multicast Leave Synch (IGMP Leave Synch) (RFC 9251 §9.3):
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
//   |  Leave Group Synchronization # (4 octets)        |
//   +--------------------------------------------------+
//   |  Maximum Response Time (1 octet)                 |
//   +--------------------------------------------------+
//   |  Flags (1 octet)                                 |
//   +--------------------------------------------------+
//
// See multicast.ts for the shared fields, the Flags bits and why Flags may be
// absent (it is in ExaBGP's bgp-evpn-1 vector, a capture from a router). The
// route key here is every field but Maximum Response Time and Flags.

import { type Reader, u8, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w32 } from '../../../wire/writer.ts'
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

export interface EvpnIgmpLeaveSyncRoute extends EvpnMulticastFields {
  readonly routeType: 8
  readonly rd: string
  readonly esi: Esi
  readonly ethernetTag: number
  /** Leave Group Synchronization #. */
  readonly syncNumber: number
  /** Maximum Response Time. */
  readonly maxResponseTime: number
  /** Absent only when the route was sent without it (pre-RFC 9251 drafts). */
  readonly flags?: number
}

export const igmpLeaveSync: EvpnRouteTypeCodec<EvpnIgmpLeaveSyncRoute> = {
  code: 8,
  name: 'igmp-leave-sync',
  decode(r: Reader) {
    const rd = readRd(r)
    const esi = readEsi(r)
    const ethernetTag = u32(r)
    const m = readMulticastFields(r)
    const syncNumber = u32(r)
    const maxResponseTime = u8(r)
    const flags = readFlags(r)
    return {
      routeType: 8,
      rd,
      esi,
      ethernetTag,
      ...m,
      syncNumber,
      maxResponseTime,
      ...(flags !== undefined ? { flags } : {}),
    }
  },
  size: (v) => 8 + 10 + 4 + multicastFieldsSize(v) + 5 + (v.flags !== undefined ? 1 : 0),
  encode(w: Writer, v) {
    writeRd(w, v.rd)
    writeEsi(w, v.esi)
    w32(w, v.ethernetTag)
    writeMulticastFields(w, v)
    w32(w, v.syncNumber)
    w8(w, v.maxResponseTime)
    writeFlags(w, v.flags)
  },
  key: (v) => `8:${v.rd}:${formatEsi(v.esi)}:${v.ethernetTag}:${multicastKey(v)}:${v.syncNumber}`,
}
