// Color, type 0x03 subtype 0x0b (RFC 9012 §4.3): 2 octets of flags (RFC 9256
// §8.8.1 puts the color-only bits there) and a 4-octet color.

import type { ColorEc, EcKind } from './types.ts'

export const color: EcKind<ColorEc> = {
  codes: [0x030b],
  decode(type, subtype, value) {
    const flags = (value[0]! << 8) | value[1]!
    const c = value[2]! * 0x1000000 + ((value[3]! << 16) | (value[4]! << 8) | value[5]!)
    return { type, subtype, name: 'color', flags, color: c }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[0] = e.flags >>> 8
    out[1] = e.flags & 0xff
    out[2] = e.color >>> 24
    out[3] = (e.color >>> 16) & 0xff
    out[4] = (e.color >>> 8) & 0xff
    out[5] = e.color & 0xff
    return out
  },
  format: (e) => (e.flags ? `color:${e.flags}:${e.color}` : `color:${e.color}`),
}
