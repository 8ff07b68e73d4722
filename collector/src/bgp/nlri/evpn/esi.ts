// Ethernet Segment Identifier, 10 octets (RFC 7432 §5):
//
//   +-----------+------------------------------------------------+
//   | Type (1)  | Value (9 octets), laid out by the type         |
//   +-----------+------------------------------------------------+
//
//   type 0  operator configured: 9 octets, arbitrary        { value: hex }
//   type 1  LACP: CE LACP system MAC (6), port key (2), 0   { systemMac, portKey }
//   type 2  L2 bridge: root bridge MAC (6), priority (2), 0 { rootBridgeMac, rootBridgePriority }
//   type 3  MAC-based: system MAC (6), local discr. (3)     { systemMac, localDiscriminator }
//   type 4  router ID (4), local discriminator (4), 0       { routerId, localDiscriminator }
//   type 5  AS number (4), local discriminator (4), 0       { asn, localDiscriminator }
//   other   kept as { type, value: hex }
//
// The last octet of types 1, 2, 4 and 5 is zero by the RFC; when a speaker sets
// it, it is kept as `reserved` so that encoding reproduces the octets.

import { toHex } from '../../../wire/hex.ts'
import { formatIPv4, parseIPv4 } from '../../../wire/ip.ts'
import { bytes, type Reader } from '../../../wire/reader.ts'
import { type Writer, wbytes } from '../../../wire/writer.ts'
import { formatMac, invalid, macBytes } from './fields.ts'

export const ESI_LENGTH = 10

export type Esi =
  | { readonly type: 0; readonly value: string }
  | { readonly type: 1; readonly systemMac: string; readonly portKey: number; readonly reserved?: number }
  | {
      readonly type: 2
      readonly rootBridgeMac: string
      readonly rootBridgePriority: number
      readonly reserved?: number
    }
  | { readonly type: 3; readonly systemMac: string; readonly localDiscriminator: number }
  | {
      readonly type: 4
      readonly routerId: string
      readonly localDiscriminator: number
      readonly reserved?: number
    }
  | {
      readonly type: 5
      readonly asn: number
      readonly localDiscriminator: number
      readonly reserved?: number
    }
  | { readonly type: number; readonly value: string }

function be(b: Uint8Array, off: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + b[off + i]!
  return v
}

function put(out: Uint8Array, off: number, n: number, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= 256 ** n) throw invalid(`ESI field ${v} does not fit ${n} octets`)
  for (let i = n - 1; i >= 0; i--) {
    out[off + i] = v % 256
    v = Math.floor(v / 256)
  }
}

function withReserved<T extends object>(fields: T, reserved: number): T & { reserved?: number } {
  return reserved ? { ...fields, reserved } : fields
}

/** Decodes the 10 octets at b[off..off+10). */
export function decodeEsi(b: Uint8Array, off: number): Esi {
  const type = b[off]!
  const v = off + 1
  switch (type) {
    case 1:
      return withReserved({ type, systemMac: formatMac(b, v), portKey: be(b, v + 6, 2) }, b[v + 8]!)
    case 2:
      return withReserved(
        { type, rootBridgeMac: formatMac(b, v), rootBridgePriority: be(b, v + 6, 2) },
        b[v + 8]!,
      )
    case 3:
      return { type, systemMac: formatMac(b, v), localDiscriminator: be(b, v + 6, 3) }
    case 4:
      return withReserved(
        { type, routerId: formatIPv4(b, v), localDiscriminator: be(b, v + 4, 4) },
        b[v + 8]!,
      )
    case 5:
      return withReserved({ type, asn: be(b, v, 4), localDiscriminator: be(b, v + 4, 4) }, b[v + 8]!)
    default:
      return { type, value: toHex(b, v, v + 9) }
  }
}

export function readEsi(r: Reader): Esi {
  return decodeEsi(bytes(r, ESI_LENGTH), 0)
}

/** The 10 wire octets of an ESI; throws a CodecError for fields that do not fit. */
export function esiBytes(esi: Esi): Uint8Array {
  const out = new Uint8Array(ESI_LENGTH)
  put(out, 0, 1, esi.type)
  if ('value' in esi) {
    const hex = esi.value
    if (!/^[0-9a-fA-F]{18}$/.test(hex)) throw invalid(`ESI value is not 9 octets of hex: ${hex}`)
    for (let i = 0; i < 9; i++) out[1 + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    return out
  }
  const reserved = 'reserved' in esi ? (esi.reserved ?? 0) : 0
  if ('systemMac' in esi && esi.type === 1) {
    out.set(macBytes(esi.systemMac), 1)
    put(out, 7, 2, esi.portKey)
    put(out, 9, 1, reserved)
  } else if ('rootBridgeMac' in esi) {
    out.set(macBytes(esi.rootBridgeMac), 1)
    put(out, 7, 2, esi.rootBridgePriority)
    put(out, 9, 1, reserved)
  } else if ('systemMac' in esi) {
    out.set(macBytes(esi.systemMac), 1)
    put(out, 7, 3, esi.localDiscriminator)
  } else if ('routerId' in esi) {
    const id = parseIPv4(esi.routerId)
    if (!id) throw invalid(`ESI router ID is not an IPv4 address: ${esi.routerId}`)
    out.set(id, 1)
    put(out, 5, 4, esi.localDiscriminator)
    put(out, 9, 1, reserved)
  } else if ('asn' in esi) {
    put(out, 1, 4, esi.asn)
    put(out, 5, 4, esi.localDiscriminator)
    put(out, 9, 1, reserved)
  } else {
    throw invalid(`ESI of type ${(esi as { type: number }).type} without its fields`)
  }
  return out
}

export function writeEsi(w: Writer, esi: Esi): void {
  wbytes(w, esiBytes(esi))
}

/** The ESI as 10 colon-separated hex octets, as routers and Wireshark print it ("00:11:…"). */
export function formatEsi(esi: Esi): string {
  const b = esiBytes(esi)
  let s = ''
  for (let i = 0; i < ESI_LENGTH; i++) s += (i ? ':' : '') + b[i]!.toString(16).padStart(2, '0')
  return s
}
