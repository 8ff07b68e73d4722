// ROUTE-REFRESH, message type 5 (RFC 2918 §3, RFC 7313 §3.2):
//
//   +-----------+-----------------+-----------+
//   | AFI (2)   | Subtype (1)     | SAFI (1)  |
//   +-----------+-----------------+-----------+
//
// Subtype (the "Reserved" octet of RFC 2918): 0 normal route refresh, 1
// Beginning of Route Refresh, 2 End of Route Refresh. Octets after SAFI are
// Outbound Route Filtering entries (RFC 5291 §4), kept as hex.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { type Reader, rest, u8, u16 } from '../../wire/reader.ts'
import { type Writer, w8, w16, wbytes } from '../../wire/writer.ts'
import { familyName } from '../family.ts'

export interface RouteRefreshMessage {
  readonly type: 'ROUTE_REFRESH'
  readonly afi: number
  readonly safi: number
  readonly family: string
  readonly subtype: number
  readonly subtypeName?: 'REFRESH' | 'BORR' | 'EORR'
  /** ORF data after the SAFI, hex; omitted when none. */
  readonly orf?: string
}

const SUBTYPES = ['REFRESH', 'BORR', 'EORR'] as const

export function decodeRouteRefreshBody(r: Reader): RouteRefreshMessage {
  const afi = u16(r)
  const subtype = u8(r)
  const safi = u8(r)
  const orf = rest(r)
  const name = SUBTYPES[subtype]
  return {
    type: 'ROUTE_REFRESH',
    afi,
    safi,
    family: familyName(afi, safi),
    subtype,
    ...(name ? { subtypeName: name } : {}),
    ...(orf.length ? { orf: toHex(orf) } : {}),
  }
}

export function routeRefreshBodySize(m: RouteRefreshMessage): number {
  return 4 + (m.orf ? m.orf.length / 2 : 0)
}

export function encodeRouteRefreshBody(w: Writer, m: RouteRefreshMessage): void {
  w16(w, m.afi)
  w8(w, m.subtype)
  w8(w, m.safi)
  if (m.orf) wbytes(w, hexOrThrow(m.orf, 'ORF'))
}
