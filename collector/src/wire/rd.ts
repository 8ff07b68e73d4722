// Route distinguishers (RFC 4364 §4.2) and the same administrator:assigned
// layout used by route-target style extended communities (RFC 4360, RFC 5668).
//
//   type 0: 2-octet ASN : 4-octet number      "65000:100"
//   type 1: IPv4 address : 2-octet number     "192.0.2.1:100"
//   type 2: 4-octet ASN : 2-octet number      "4200000000:100"
//
// A type-2 value whose ASN fits 16 bits would read exactly like type 0, so it
// is written with an `L` after the ASN ("65000L:100", as Junos writes 4-octet
// AS forms); every text form therefore maps back to one encoding. Other RD
// types are written "raw:" and the 16 hex digits of all 8 bytes.

import { toHex } from './hex.ts'
import { formatIPv4, parseIPv4 } from './ip.ts'

/** Formats the 6-byte administrator:assigned value b[off..off+6) of the given layout type (0, 1 or 2). */
export function formatAdminAssigned(type: number, b: Uint8Array, off: number): string | undefined {
  switch (type) {
    case 0: {
      const asn = (b[off]! << 8) | b[off + 1]!
      const n = b[off + 2]! * 0x1000000 + ((b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!)
      return `${asn}:${n}`
    }
    case 1:
      return `${formatIPv4(b, off)}:${(b[off + 4]! << 8) | b[off + 5]!}`
    case 2: {
      const asn = b[off]! * 0x1000000 + ((b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!)
      const n = (b[off + 4]! << 8) | b[off + 5]!
      return asn <= 0xffff ? `${asn}L:${n}` : `${asn}:${n}`
    }
    default:
      return undefined
  }
}

/**
 * Parses "admin:assigned" into its layout type and 6 bytes; undefined when
 * malformed. With `layout`, the text must be of that layout (an extended
 * community's type octet already says which, so the `L` is optional there).
 */
export function parseAdminAssigned(
  s: string,
  layout?: number,
): { type: 0 | 1 | 2; bytes: Uint8Array } | undefined {
  const v = parseAnyAdminAssigned(s, layout === 2)
  if (v && layout !== undefined && v.type !== layout) return undefined
  return v
}

function parseAnyAdminAssigned(
  s: string,
  fourOctetAs: boolean,
): { type: 0 | 1 | 2; bytes: Uint8Array } | undefined {
  const colon = s.lastIndexOf(':')
  if (colon <= 0) return undefined
  const admin = s.slice(0, colon)
  const assignedText = s.slice(colon + 1)
  if (!/^\d+$/.test(assignedText)) return undefined
  const assigned = Number(assignedText)
  const out = new Uint8Array(6)
  if (admin.includes('.')) {
    const ip = parseIPv4(admin)
    if (!ip || assigned > 0xffff) return undefined
    out.set(ip, 0)
    out[4] = assigned >>> 8
    out[5] = assigned & 0xff
    return { type: 1, bytes: out }
  }
  const long = admin.endsWith('L')
  const asnText = long ? admin.slice(0, -1) : admin
  if (!/^\d+$/.test(asnText)) return undefined
  const asn = Number(asnText)
  if (asn > 0xffffffff) return undefined
  if (long || fourOctetAs || asn > 0xffff) {
    if (assigned > 0xffff) return undefined
    out[0] = asn >>> 24
    out[1] = (asn >>> 16) & 0xff
    out[2] = (asn >>> 8) & 0xff
    out[3] = asn & 0xff
    out[4] = assigned >>> 8
    out[5] = assigned & 0xff
    return { type: 2, bytes: out }
  }
  if (assigned > 0xffffffff) return undefined
  out[0] = asn >>> 8
  out[1] = asn & 0xff
  out[2] = assigned >>> 24
  out[3] = (assigned >>> 16) & 0xff
  out[4] = (assigned >>> 8) & 0xff
  out[5] = assigned & 0xff
  return { type: 0, bytes: out }
}

/** Text of the 8-byte route distinguisher at b[off..off+8). */
export function formatRD(b: Uint8Array, off: number): string {
  const type = (b[off]! << 8) | b[off + 1]!
  return formatAdminAssigned(type, b, off + 2) ?? `raw:${toHex(b, off, off + 8)}`
}

/** The 8 wire bytes of a route distinguisher text; undefined when malformed. */
export function parseRD(s: string): Uint8Array | undefined {
  const out = new Uint8Array(8)
  if (s.startsWith('raw:')) {
    const hex = s.slice(4)
    if (!/^[0-9a-fA-F]{16}$/.test(hex)) return undefined
    for (let i = 0; i < 8; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    return out
  }
  const v = parseAdminAssigned(s)
  if (!v) return undefined
  out[1] = v.type
  out.set(v.bytes, 2)
  return out
}
