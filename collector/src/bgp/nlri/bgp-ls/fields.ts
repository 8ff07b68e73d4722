// Small fields shared by BGP-LS TLVs: addresses of 4 or 16 octets, IS-IS
// System-IDs, and range-checked integers for the encoders (a value that does
// not fit its field is a typed error, never a silent truncation).

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { formatIPv4, formatIPv6, parseIP } from '../../../wire/ip.ts'
import { bytes, type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32, wbytes } from '../../../wire/writer.ts'
import { malformed, valueLength } from './tlv.ts'
import type { BgpLsTlvCodec } from './types.ts'

export function readIPv4(r: Reader): string {
  return formatIPv4(bytes(r, 4), 0)
}

export function readIPv6(r: Reader): string {
  return formatIPv6(bytes(r, 16), 0)
}

/** An address of 4 or 16 octets. */
export function readAddress(r: Reader, len: number): string {
  return len === 4 ? readIPv4(r) : readIPv6(r)
}

/** The octets of an address text; `width` requires one family. */
export function addressBytes(text: string, width?: 4 | 16): Uint8Array {
  const b = typeof text === 'string' ? parseIP(text) : undefined
  if (!b || (width !== undefined && b.length !== width)) {
    throw malformed(`not an IPv${width === 16 ? 6 : width === 4 ? 4 : '4/6'} address: ${String(text)}`)
  }
  return b
}

export function addressSize(text: string): number {
  return addressBytes(text).length
}

export function writeAddress(w: Writer, text: string, width?: 4 | 16): void {
  wbytes(w, addressBytes(text, width))
}

/** An IS-IS System-ID (6 octets) as IS-IS shows it: "1921.6825.2240". */
export function readSystemId(r: Reader): string {
  const h = toHex(bytes(r, 6))
  return `${h.slice(0, 4)}.${h.slice(4, 8)}.${h.slice(8, 12)}`
}

export function writeSystemId(w: Writer, text: string): void {
  const h = typeof text === 'string' ? text.replace(/\./g, '') : ''
  if (!/^[0-9a-fA-F]{12}$/.test(h)) throw malformed(`not an IS-IS System-ID: ${String(text)}`)
  wbytes(w, hexOrThrow(h, 'IS-IS System-ID'))
}

/** Checks that v is an integer that fits `bits` bits. */
export function uint(v: number, bits: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits)
    throw malformed(`${what} ${v} does not fit ${bits} bits`)
  return v
}

/** A TLV holding one 4-octet number. */
export function u32Tlv<N extends string>(type: number, name: N): BgpLsTlvCodec<N, number> {
  return {
    code: type,
    name,
    decode(r) {
      valueLength(r, name, 4)
      return u32(r)
    },
    size: () => 4,
    encode: (w, v) => w32(w, uint(v, 32, name)),
  }
}

/** A TLV holding one address of `width` octets. */
export function addressTlv<N extends string>(type: number, name: N, width: 4 | 16): BgpLsTlvCodec<N, string> {
  return {
    code: type,
    name,
    decode(r) {
      valueLength(r, name, width)
      return width === 4 ? readIPv4(r) : readIPv6(r)
    },
    size: () => width,
    encode: (w, v) => writeAddress(w, v, width),
  }
}

/** A TLV holding one address of 4 or 16 octets. */
export function anyAddressTlv<N extends string>(type: number, name: N): BgpLsTlvCodec<N, string> {
  return {
    code: type,
    name,
    decode: (r) => readAddress(r, valueLength(r, name, 4, 16)),
    size: (v) => addressSize(v),
    encode: (w, v) => writeAddress(w, v),
  }
}
