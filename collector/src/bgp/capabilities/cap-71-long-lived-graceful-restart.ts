// Long-lived graceful restart, code 71 (RFC 9494 §3):
//
//   +-----------+-----------+-----------+---------------------+
//   | AFI (2)   | SAFI (1)  | Flags (1) | Long-lived Stale    |  repeated; flag F 0x80
//   |           |           |           | Time (3, seconds)   |
//   +-----------+-----------+-----------+---------------------+

import { u8, u16, u24 } from '../../wire/reader.ts'
import { w8, w16, w24 } from '../../wire/writer.ts'
import { afiSafi } from './afi-safi.ts'
import type { CapabilityCodec, CapabilityValues } from './types.ts'

export const longLivedGracefulRestart: CapabilityCodec<'LONG_LIVED_GRACEFUL_RESTART'> = {
  code: 71,
  name: 'LONG_LIVED_GRACEFUL_RESTART',
  decode(r) {
    const out: CapabilityValues['LONG_LIVED_GRACEFUL_RESTART'][number][] = []
    while (r.pos < r.end) {
      const afi = u16(r)
      const safi = u8(r)
      const flags = u8(r)
      const staleTime = u24(r)
      const other = flags & 0x7f
      out.push({
        ...afiSafi(afi, safi),
        forwarding: (flags & 0x80) !== 0,
        ...(other ? { otherFlags: other } : {}),
        staleTime,
      })
    }
    return out
  },
  size: (v) => 7 * v.length,
  encode(w, v) {
    for (const e of v) {
      w16(w, e.afi)
      w8(w, e.safi)
      w8(w, (e.forwarding ? 0x80 : 0) | (e.otherFlags ?? 0))
      w24(w, e.staleTime)
    }
  },
}
