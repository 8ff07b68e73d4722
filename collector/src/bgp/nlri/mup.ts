// BGP Mobile User Plane, SAFI 85 (draft-mpmz-bess-mup-safi §3), families
// ipv4-mup and ipv6-mup. Every NLRI is
//
//   +-----------------------------------+
//   |    Architecture Type (1 octet)    |  1: 3GPP 5G
//   +-----------------------------------+
//   |       Route Type (2 octets)       |  1 Interwork Segment Discovery,
//   +-----------------------------------+  2 Direct Segment Discovery,
//   |         Length (1 octet)          |  3 Type 1 Session Transformed,
//   +-----------------------------------+  4 Type 2 Session Transformed
//   |  Route Type specific (variable)   |
//   +-----------------------------------+
//
// The route type specific fields are still a draft and differ between its
// versions, so they are carried raw (hex), one entry per NLRI, delimited by
// the header. A Length that overruns the NLRI field is a malformed NLRI
// (RFC 7606 §5.3; afi-safi-disable through MP_REACH_NLRI). Next hops are
// addresses (IPv6 for SRv6, IPv4-mapped IPv6 seen in ExaBGP's vectors).

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { bytes, u8, u16 } from '../../wire/reader.ts'
import { w8, w16, wbytes } from '../../wire/writer.ts'
import { invalid } from './evpn/fields.ts'
import type { FamilyCodec } from './types.ts'

export interface MupNlri {
  readonly architectureType: number
  readonly routeType: number
  /** The route type specific field, hex; its length is the Length sent. */
  readonly raw: string
  readonly pathId?: number
}

/** Names of the draft's architecture and route types, for display. */
export const MUP_ARCHITECTURE_TYPES: Readonly<Record<number, string>> = { 1: '3gpp-5g' }
export const MUP_ROUTE_TYPES: Readonly<Record<number, string>> = {
  1: 'interwork-segment-discovery',
  2: 'direct-segment-discovery',
  3: 'type-1-session-transformed',
  4: 'type-2-session-transformed',
}

export function mupFamily(afi: 1 | 2, name: string): FamilyCodec<MupNlri> {
  return {
    afi,
    safi: 85,
    name,
    nextHop: 'ip',
    decode(r, pathId) {
      const at = r.pos
      const architectureType = u8(r)
      const routeType = u16(r)
      const length = u8(r)
      if (r.pos + length > r.end) {
        throw invalid(
          `MUP route type ${routeType} of length ${length} overruns the NLRI field (${r.end - r.pos} left)`,
          at,
        )
      }
      return { architectureType, routeType, raw: toHex(bytes(r, length)), pathId }
    },
    size: (n) => 4 + n.raw.length / 2,
    encode(w, n) {
      const b = hexOrThrow(n.raw, 'MUP route')
      if (b.length > 0xff) throw invalid(`MUP route of ${b.length} octets does not fit its length octet`)
      w8(w, n.architectureType)
      w16(w, n.routeType)
      w8(w, b.length)
      wbytes(w, b)
    },
    key: (n) => `${n.architectureType}:${n.routeType}:${n.raw}`,
  }
}
