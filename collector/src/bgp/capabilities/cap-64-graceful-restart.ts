// Graceful restart, code 64 (RFC 4724 §3, RFC 8538 §2):
//
//   +--------+------------------------+
//   | Flags  | Restart Time (12 bits) |   flags: R 0x8, N 0x4
//   +--------+------------------------+
//   | AFI (2) | SAFI (1) | AF flags (1) |  repeated; AF flag F 0x80 = forwarding preserved
//   +--------------------------------+

import { u8, u16 } from '../../wire/reader.ts'
import { w8, w16 } from '../../wire/writer.ts'
import { afiSafi } from './afi-safi.ts'
import type { CapabilityCodec, GracefulRestart } from './types.ts'

export const gracefulRestart: CapabilityCodec<'GRACEFUL_RESTART'> = {
  code: 64,
  name: 'GRACEFUL_RESTART',
  decode(r) {
    const head = u16(r)
    const flags = head >>> 12
    const families: GracefulRestart['families'][number][] = []
    while (r.pos < r.end) {
      const afi = u16(r)
      const safi = u8(r)
      const af = u8(r)
      const other = af & 0x7f
      families.push({
        ...afiSafi(afi, safi),
        forwarding: (af & 0x80) !== 0,
        ...(other ? { otherFlags: other } : {}),
      })
    }
    const other = flags & 0x3
    return {
      restarting: (flags & 0x8) !== 0,
      notification: (flags & 0x4) !== 0,
      time: head & 0xfff,
      ...(other ? { otherFlags: other } : {}),
      families,
    }
  },
  size: (v) => 2 + 4 * v.families.length,
  encode(w, v) {
    const flags = (v.restarting ? 0x8 : 0) | (v.notification ? 0x4 : 0) | (v.otherFlags ?? 0)
    w16(w, (flags << 12) | (v.time & 0xfff))
    for (const f of v.families) {
      w16(w, f.afi)
      w8(w, f.safi)
      w8(w, (f.forwarding ? 0x80 : 0) | (f.otherFlags ?? 0))
    }
  },
}
