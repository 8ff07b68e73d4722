// Fields shared by the typed NLRI of EVPN (RFC 7432 §7, RFC 9136, RFC 9251),
// MCAST-VPN (RFC 6514 §4) and the PMSI Tunnel attribute (RFC 6514 §5):
//
//   MAC address        6 octets, written "fc:15:b4:78:7b:8f"
//   length + address   a length octet in bits (0, 32 or 128), then 0, 4 or 16
//                      octets; 0 means absent (a wildcard source or group)
//   3-octet label      RFC 7432 §7: the high-order 20 bits are the MPLS label;
//                      with VXLAN, NVGRE or Geneve the whole 24-bit field is the
//                      VNI/VSID (RFC 8365 §5.1.3). Both readings are given, and
//                      the 24-bit `value` is what is encoded.
//
// Every decoder here throws a CodecError (INVALID_NETWORK_FIELD) for a value
// its layout does not allow; a short read is a WireError that the family
// codec turns into the same kind.

import { formatIP, parseIP } from '../../../wire/ip.ts'
import { bytes, type Reader, u8, u24 } from '../../../wire/reader.ts'
import { type Writer, w8, w24, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'

export function invalid(reason: string, offset = 0): CodecError {
  return new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', reason, offset)
}

// ---- MAC addresses

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function formatMac(b: Uint8Array, off: number): string {
  return `${HEX2[b[off]!]}:${HEX2[b[off + 1]!]}:${HEX2[b[off + 2]!]}:${HEX2[b[off + 3]!]}:${HEX2[b[off + 4]!]}:${HEX2[b[off + 5]!]}`
}

export function readMac(r: Reader): string {
  const b = bytes(r, 6)
  return formatMac(b, 0)
}

/** The 6 octets of "aa:bb:cc:dd:ee:ff" (also '-' separated); throws a CodecError when malformed. */
export function macBytes(text: string): Uint8Array {
  const parts = text.split(/[:-]/)
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw invalid(`not a MAC address: ${text}`)
  }
  return new Uint8Array(parts.map((p) => Number.parseInt(p, 16)))
}

export function writeMac(w: Writer, text: string): void {
  wbytes(w, macBytes(text))
}

// ---- IP addresses

/** An address of `octets` octets (4 or 16) as text. */
export function readAddress(r: Reader, octets: 4 | 16): string {
  const b = bytes(r, octets)
  return formatIP(b, 0, octets)
}

export function addressBytes(text: string): Uint8Array {
  const b = parseIP(text)
  if (!b) throw invalid(`not an IP address: ${text}`)
  return b
}

export function addressOctets(text: string): 4 | 16 {
  return text.includes(':') ? 16 : 4
}

/** The address that fills the rest of r: 4 octets IPv4, 16 IPv6 (the "Originating Router's IP Address" of RFC 6514). */
export function readTrailingAddress(r: Reader, what: string): string {
  const left = r.end - r.pos
  if (left !== 4 && left !== 16) throw invalid(`${what}: ${left} octets, not an IPv4 or IPv6 address`, r.pos)
  return readAddress(r, left)
}

/**
 * A length octet in bits (32 or 128; 0 too when `optional`) and the address.
 * Answers undefined for length 0.
 */
export function readLengthAddress(r: Reader, what: string, optional: boolean): string | undefined {
  const at = r.pos
  const bits = u8(r)
  if (bits === 0 && optional) return undefined
  if (bits !== 32 && bits !== 128) throw invalid(`${what} length ${bits} is not 32 or 128`, at)
  return readAddress(r, bits === 32 ? 4 : 16)
}

export function lengthAddressSize(text: string | undefined): number {
  return text === undefined ? 1 : 1 + addressOctets(text)
}

export function writeLengthAddress(w: Writer, text: string | undefined): void {
  if (text === undefined) {
    w8(w, 0)
    return
  }
  const b = addressBytes(text)
  w8(w, b.length * 8)
  wbytes(w, b)
}

// ---- 3-octet labels

export interface Label24 {
  /** The 24-bit field as sent: the VNI (or VSID) with VXLAN/NVGRE/Geneve (RFC 8365 §5.1.3). */
  readonly value: number
  /** The MPLS label reading: the high-order 20 bits (RFC 7432 §7). */
  readonly label: number
}

export function label24(value: number): Label24 {
  return { value, label: value >>> 4 }
}

export function readLabel24(r: Reader): Label24 {
  return label24(u24(r))
}

export function writeLabel24(w: Writer, l: Label24): void {
  if (!Number.isInteger(l.value) || l.value < 0 || l.value > 0xffffff) {
    throw invalid(`label field ${l.value} does not fit 24 bits`)
  }
  w24(w, l.value)
}
