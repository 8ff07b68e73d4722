// ADD-PATH, code 69 (RFC 7911 §4):
//
//   +-----------+-----------+-------------------+
//   | AFI (2)   | SAFI (1)  | Send/Receive (1)  |  repeated; 1 receive, 2 send, 3 both
//   +-----------+-----------+-------------------+

import { u8, u16 } from '../../wire/reader.ts'
import { w8, w16 } from '../../wire/writer.ts'
import { afiSafi } from './afi-safi.ts'
import type { CapabilityCodec, CapabilityValues } from './types.ts'

const MODES = [undefined, 'receive', 'send', 'both'] as const

export const addPath: CapabilityCodec<'ADD_PATH'> = {
  code: 69,
  name: 'ADD_PATH',
  decode(r) {
    const out: CapabilityValues['ADD_PATH'][number][] = []
    while (r.pos < r.end) {
      const afi = u16(r)
      const safi = u8(r)
      const m = u8(r)
      out.push({ ...afiSafi(afi, safi), sendReceive: MODES[m] ?? m })
    }
    return out
  },
  size: (v) => 4 * v.length,
  encode(w, v) {
    for (const e of v) {
      w16(w, e.afi)
      w8(w, e.safi)
      w8(w, typeof e.sendReceive === 'number' ? e.sendReceive : MODES.indexOf(e.sendReceive))
    }
  },
}
