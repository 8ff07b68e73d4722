// Extended next hop encoding, code 5 (RFC 8950 §3):
//
//   +-----------------+-----------------+------------------+
//   | NLRI AFI (2)    | NLRI SAFI (2)   | Next Hop AFI (2) |  repeated
//   +-----------------+-----------------+------------------+

import { u16 } from '../../wire/reader.ts'
import { w16 } from '../../wire/writer.ts'
import { afiSafi } from './afi-safi.ts'
import type { CapabilityCodec, CapabilityValues } from './types.ts'

export const extendedNextHop: CapabilityCodec<'EXTENDED_NEXT_HOP'> = {
  code: 5,
  name: 'EXTENDED_NEXT_HOP',
  decode(r) {
    const out: CapabilityValues['EXTENDED_NEXT_HOP'][number][] = []
    while (r.pos < r.end) {
      const afi = u16(r)
      const safi = u16(r)
      out.push({ ...afiSafi(afi, safi), nextHopAfi: u16(r) })
    }
    return out
  },
  size: (v) => 6 * v.length,
  encode(w, v) {
    for (const e of v) {
      w16(w, e.afi)
      w16(w, e.safi)
      w16(w, e.nextHopAfi)
    }
  },
}
