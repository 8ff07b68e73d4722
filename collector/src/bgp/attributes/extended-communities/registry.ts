// Every extended community kind the codec decodes, one line each; anything
// else stays { name: 'unknown', hex } with its type and subtype.

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { adminAssigned } from './admin-assigned.ts'
import { color } from './color.ts'
import { encapsulation } from './encapsulation.ts'
import { EVPN_EC_KINDS } from './evpn.ts'
import { FLOWSPEC_EC_KINDS } from './flowspec.ts'
import { linkBandwidth } from './link-bandwidth.ts'
import { originValidation } from './origin-validation.ts'
import type { EcKind, ExtendedCommunity, UnknownEc } from './types.ts'

// biome-ignore lint/suspicious/noExplicitAny: the registry holds kinds of every shape
const KINDS: readonly EcKind<any>[] = [
  adminAssigned,
  linkBandwidth,
  encapsulation,
  color,
  originValidation,
  ...EVPN_EC_KINDS,
  ...FLOWSPEC_EC_KINDS,
]

// biome-ignore lint/suspicious/noExplicitAny: see KINDS
const BY_CODE = new Map<number, EcKind<any>>()
for (const k of KINDS) {
  for (const c of k.codes) {
    if (BY_CODE.has(c)) throw new Error(`extended community 0x${c.toString(16)} registered twice`)
    BY_CODE.set(c, k)
  }
}

export function decodeExtendedCommunity(b: Uint8Array, off: number): ExtendedCommunity {
  const type = b[off]!
  const subtype = b[off + 1]!
  const value = b.subarray(off + 2, off + 8)
  const kind = BY_CODE.get((type << 8) | subtype)
  const decoded = kind?.decode(type, subtype, value)
  if (decoded) return decoded
  return { type, subtype, name: 'unknown', hex: toHex(value) }
}

function kindOf(e: ExtendedCommunity) {
  if (e.name === 'unknown') return undefined
  return BY_CODE.get((e.type << 8) | e.subtype)
}

/** The 8 wire octets of an extended community. */
export function encodeExtendedCommunity(e: ExtendedCommunity): Uint8Array {
  const out = new Uint8Array(8)
  out[0] = e.type
  out[1] = e.subtype
  const kind = kindOf(e)
  out.set(kind ? kind.encode(e) : hexOrThrow((e as UnknownEc).hex, 'extended community'), 2)
  return out
}

export function formatExtendedCommunity(e: ExtendedCommunity): string {
  const kind = kindOf(e)
  if (kind) return kind.format(e)
  const u = e as UnknownEc
  return `0x${u.type.toString(16).padStart(2, '0')}${u.subtype.toString(16).padStart(2, '0')}:${u.hex}`
}
