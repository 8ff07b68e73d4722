// Prefix components: type 1 destination prefix, type 2 source prefix.
//
// IPv4 (RFC 8955 §4.2.2.1–2):
//   +----------+------------------+---------------------------+
//   | type (1) | length (1, bits) | prefix (ceil(length/8))   |
//   +----------+------------------+---------------------------+
//
// IPv6 (RFC 8956 §3.1–2): the pattern is the address bits [offset, length);
// only those are sent, padded to an octet boundary:
//   +----------+------------------+------------------+--------------------------------+
//   | type (1) | length (1, bits) | offset (1, bits) | pattern (ceil((length-offset)/8)) |
//   +----------+------------------+------------------+--------------------------------+
//
// The IPv6 pattern is shown as the address with its bits in place
// ("::1/128" with offset 120 for the pattern 0x01), padding bits as sent; any
// padding that falls beyond bit 128 is kept in `trailingBits`. RFC 8956 §3.1:
// unless length and offset are both 0, offset < length ≤ 128, or the
// component is malformed.
//
// Interop: ExaBGP and Wireshark (4.0) write and read the whole address up to
// the length — ceil(length/8) octets — whatever the offset, where RFC 8956 and
// BIRD send only the pattern. With offset 0 the two agree. When a rule cannot
// be read the RFC way, components.ts reads it again this way; a component so
// read has `fullPrefix: true` and its address is every octet as sent.

import { formatIPv6, parsePrefix } from '../../../wire/ip.ts'
import { type Reader, u8 } from '../../../wire/reader.ts'
import { type Writer, w8 } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import { prefixBits, prefixOctets, readPrefixBits, writePrefixBytes } from '../prefix.ts'
import type { FlowspecPrefixComponent, FlowspecPrefixType } from './types.ts'

export function decodePrefixComponent(
  r: Reader,
  type: FlowspecPrefixType,
  name: string,
  afi: 1 | 2,
  fullPrefix = false,
): FlowspecPrefixComponent {
  const length = u8(r)
  if (afi === 1) return { type, name, prefix: readPrefixBits(r, length, 4) }
  const offset = u8(r)
  if (length > 128 || (offset >= length && length !== 0)) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `FlowSpec IPv6 ${name} length ${length} offset ${offset}`,
      r.pos - 2,
    )
  }
  if (fullPrefix && offset > 0) {
    return { type, name, prefix: readPrefixBits(r, length, 16), offset, fullPrefix: true }
  }
  const octets = (length - offset + 7) >> 3
  let pattern = 0n
  for (let i = 0; i < octets; i++) pattern = (pattern << 8n) | BigInt(u8(r))
  const end = offset + 8 * octets
  let address: bigint
  let trailing = 0n
  if (end <= 128) address = pattern << BigInt(128 - end)
  else {
    const over = BigInt(end - 128)
    address = pattern >> over
    trailing = pattern & ((1n << over) - 1n)
  }
  const bytes = new Uint8Array(16)
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(address & 0xffn)
    address >>= 8n
  }
  const prefix = `${formatIPv6(bytes)}/${length}`
  return trailing
    ? { type, name, prefix, offset, trailingBits: Number(trailing) }
    : { type, name, prefix, offset }
}

function ipv6Parts(c: FlowspecPrefixComponent): { address: bigint; length: number; offset: number } {
  const p = parsePrefix(c.prefix)
  const offset = c.offset ?? 0
  if (p?.address.length !== 16 || (offset >= p.length && p.length !== 0)) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `not a FlowSpec IPv6 prefix: ${c.prefix} offset ${offset}`,
      0,
    )
  }
  let address = 0n
  for (const b of p.address) address = (address << 8n) | BigInt(b)
  return { address, length: p.length, offset }
}

export function prefixComponentSize(c: FlowspecPrefixComponent, afi: 1 | 2): number {
  if (afi === 1) return 2 + prefixOctets(c.prefix)
  const { length, offset } = ipv6Parts(c)
  return 3 + (c.fullPrefix ? (length + 7) >> 3 : (length - offset + 7) >> 3)
}

export function encodePrefixComponent(w: Writer, c: FlowspecPrefixComponent, afi: 1 | 2): void {
  w8(w, c.type)
  if (afi === 1) {
    w8(w, prefixBits(c.prefix, 4).bits)
    writePrefixBytes(w, c.prefix, 4)
    return
  }
  if (c.fullPrefix) {
    w8(w, prefixBits(c.prefix, 16).bits)
    w8(w, c.offset ?? 0)
    writePrefixBytes(w, c.prefix, 16)
    return
  }
  const { address, length, offset } = ipv6Parts(c)
  w8(w, length)
  w8(w, offset)
  const octets = (length - offset + 7) >> 3
  const end = offset + 8 * octets
  let pattern: bigint
  if (end <= 128) pattern = address >> BigInt(128 - end)
  else pattern = (address << BigInt(end - 128)) | BigInt(c.trailingBits ?? 0)
  for (let i = octets - 1; i >= 0; i--) w8(w, Number((pattern >> BigInt(8 * i)) & 0xffn))
}

/** `10.0.0.0/24`; IPv6 as ExaBGP writes it, `address/length/offset`. */
export function prefixText(c: FlowspecPrefixComponent, afi: 1 | 2): string {
  return afi === 1 ? c.prefix : `${c.prefix}/${c.offset ?? 0}`
}
