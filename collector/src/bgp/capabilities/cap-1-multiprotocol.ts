// Multiprotocol extensions, code 1 (RFC 4760 §8):
//
//   +-------------+-------------+-------------+
//   |  AFI (2)    | Reserved (1)|  SAFI (1)   |
//   +-------------+-------------+-------------+

import { u8, u16 } from '../../wire/reader.ts'
import { w8, w16 } from '../../wire/writer.ts'
import { afiSafi } from './afi-safi.ts'
import type { CapabilityCodec } from './types.ts'

export const multiprotocol: CapabilityCodec<'MULTIPROTOCOL'> = {
  code: 1,
  name: 'MULTIPROTOCOL',
  decode(r) {
    const afi = u16(r)
    const reserved = u8(r)
    const safi = u8(r)
    return reserved ? { ...afiSafi(afi, safi), reserved } : afiSafi(afi, safi)
  },
  size: () => 4,
  encode(w, v) {
    w16(w, v.afi)
    w8(w, v.reserved ?? 0)
    w8(w, v.safi)
  },
}
