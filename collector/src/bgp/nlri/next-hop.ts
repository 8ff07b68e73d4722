// The MP_REACH_NLRI next hop (RFC 4760 §3) as text, by the family's layout:
//
//   ip:  4 octets IPv4 | 16 IPv6 global | 32 IPv6 global + link-local (RFC 2545)
//        IPv4 NLRI may carry an IPv6 next hop (RFC 8950), so the length decides.
//   vpn: the same with an 8-octet RD before each address (RFC 4364 §4.3.2,
//        RFC 4659 §3.2.1); the RD must be zero and is kept only when it is not.
//   none: 0 octets, or an address as for ip (FlowSpec); other lengths raw.
//   any: the octets carried raw.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { formatIPv4, formatIPv6, parseIP } from '../../wire/ip.ts'
import { formatRD } from '../../wire/rd.ts'
import { CodecError } from '../errors.ts'
import type { NextHopKind } from './types.ts'
import { rdBytes } from './vpn.ts'

export interface NextHop {
  readonly nextHop: readonly string[]
  /** Non-zero RD found before a VPN next hop (RFC 4364 says it is zero). */
  readonly nextHopRd?: string
  /** The next hop octets, hex, when the layout is not interpreted or not recognised. */
  readonly nextHopRaw?: string
}

function addresses(b: Uint8Array, off: number, len: number): string[] | undefined {
  if (len === 4) return [formatIPv4(b, off)]
  if (len === 16) return [formatIPv6(b, off)]
  if (len === 32) return [formatIPv6(b, off), formatIPv6(b, off + 16)]
  return undefined
}

function isZero(b: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[off + i] !== 0) return false
  return true
}

/** Decodes next-hop octets; throws a CodecError for a length the layout does not allow. */
export function decodeNextHop(kind: NextHopKind, b: Uint8Array, offset: number): NextHop {
  const len = b.length
  if (kind === 'ip') {
    const a = addresses(b, 0, len)
    if (a) return { nextHop: a }
  } else if (kind === 'vpn') {
    if (len === 12 || len === 24) {
      const a = addresses(b, 8, len - 8)!
      return isZero(b, 0, 8) ? { nextHop: a } : { nextHop: a, nextHopRd: formatRD(b, 0) }
    }
    if (len === 48) {
      const a = [formatIPv6(b, 8), formatIPv6(b, 32)]
      if (isZero(b, 0, 8) && isZero(b, 24, 8)) return { nextHop: a }
      // Two different RDs do not fit one nextHopRd: the octets are kept too, and encoded from.
      const same = toHex(b, 0, 8) === toHex(b, 24, 32)
      return same ? { nextHop: a, nextHopRd: formatRD(b, 0) } : { nextHop: a, nextHopRaw: toHex(b) }
    }
  } else if (kind === 'none') {
    // RFC 8955 §4: FlowSpec has no next hop (length 0), but speakers send one
    // for redirect-to-IP (draft-simpson-idr-flowspec-redirect); other lengths stay raw.
    if (len === 0) return { nextHop: [] }
    const a = addresses(b, 0, len)
    return a ? { nextHop: a } : { nextHop: [], nextHopRaw: toHex(b) }
  } else {
    return { nextHop: [], nextHopRaw: toHex(b) }
  }
  throw new CodecError(
    'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
    `next hop length ${len} is not valid for this family`,
    offset,
  )
}

export function encodeNextHop(kind: NextHopKind, nh: NextHop): Uint8Array {
  if (nh.nextHopRaw !== undefined) return hexOrThrow(nh.nextHopRaw, 'next hop')
  const addrs = nh.nextHop.map((a) => {
    const b = parseIP(a)
    if (!b) throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not an address: ${a}`, 0)
    return b
  })
  const rd = kind === 'vpn' ? (nh.nextHopRd ? rdBytes(nh.nextHopRd) : new Uint8Array(8)) : undefined
  const parts: Uint8Array[] = []
  for (const a of addrs) {
    if (rd) parts.push(rd)
    parts.push(a)
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
