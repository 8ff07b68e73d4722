// IPv6 address specific extended communities (RFC 5701): type, subtype, a
// 16-octet IPv6 global administrator and a 2-octet local administrator. The
// subtypes mirror the IPv4 address specific ones (RFC 7153 §5.2.3).

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { formatIPv6, parseIPv6 } from '../../../wire/ip.ts'
import { CodecError } from '../../errors.ts'
import type { Ipv6AddressSpecificEc, Ipv6ExtendedCommunity, UnknownIpv6Ec } from './types.ts'

const SUBTYPES: Readonly<Record<number, readonly [string, string]>> = {
  2: ['route-target', 'target'],
  3: ['route-origin', 'origin'],
  11: ['vrf-route-import', 'rt-import'],
  12: ['redirect-to-ip', 'redirect-to-ip'], // draft-ietf-idr-flowspec-redirect-ip: local 1 = copy
  13: ['flowspec-redirect-ipv6', 'redirect'], // RFC 8956 §6 rt-redirect-ipv6
}
const TYPES = new Set([0x00, 0x40])
// Whole (type << 8 | subtype) codes outside that layout: 0x800b is the IPv6
// redirect of the early flow-spec-v6 drafts, still sent by GoBGP and ExaBGP.
const CODES: ReadonlyMap<number, readonly [string, string]> = new Map([
  [0x800b, ['flowspec-redirect-ipv6', 'redirect'] as const],
])
const PREFIX_OF = new Map(Object.values(SUBTYPES).map(([name, prefix]) => [name, prefix]))

export function decodeIpv6ExtendedCommunity(b: Uint8Array, off: number): Ipv6ExtendedCommunity {
  const type = b[off]!
  const subtype = b[off + 1]!
  const sub = TYPES.has(type) ? SUBTYPES[subtype] : CODES.get((type << 8) | subtype)
  if (sub) {
    return {
      type,
      subtype,
      name: sub[0],
      address: formatIPv6(b, off + 2),
      local: (b[off + 18]! << 8) | b[off + 19]!,
    }
  }
  return { type, subtype, name: 'unknown', hex: toHex(b, off + 2, off + 20) }
}

export function encodeIpv6ExtendedCommunity(e: Ipv6ExtendedCommunity): Uint8Array {
  const out = new Uint8Array(20)
  out[0] = e.type
  out[1] = e.subtype
  if (e.name === 'unknown') {
    out.set(hexOrThrow((e as UnknownIpv6Ec).hex, 'IPv6 extended community'), 2)
    return out
  }
  const a = e as Ipv6AddressSpecificEc
  const addr = parseIPv6(a.address)
  if (!addr)
    throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not an IPv6 address: ${a.address}`, 0)
  out.set(addr, 2)
  out[18] = a.local >>> 8
  out[19] = a.local & 0xff
  return out
}

export function formatIpv6ExtendedCommunity(e: Ipv6ExtendedCommunity): string {
  if (e.name === 'unknown') {
    const u = e as UnknownIpv6Ec
    return `0x${u.type.toString(16).padStart(2, '0')}${u.subtype.toString(16).padStart(2, '0')}:${u.hex}`
  }
  const a = e as Ipv6AddressSpecificEc
  return `${PREFIX_OF.get(a.name) ?? a.name}:[${a.address}]:${a.local}`
}
