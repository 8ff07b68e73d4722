// BGP origin validation state, type 0x43 subtype 0x00 (RFC 8097 §2): 5 reserved
// octets and the state (0 valid, 1 not found, 2 invalid). Anything else is
// kept as unknown.

import type { EcKind, OriginValidationEc } from './types.ts'

const STATES = ['valid', 'not-found', 'invalid'] as const

export const originValidation: EcKind<OriginValidationEc> = {
  codes: [0x4300],
  decode(type, subtype, value) {
    const state = STATES[value[5]!]
    if (!state || value[0] || value[1] || value[2] || value[3] || value[4]) return undefined
    return { type, subtype, name: 'origin-validation', state }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[5] = STATES.indexOf(e.state)
    return out
  },
  format: (e) => `origin-validation:${e.state}`,
}
