// The <length, prefix> encoding shared by every IP-based family (RFC 4271
// §4.3, RFC 4760 §5): a length in bits, then just enough octets to hold it.

import { formatPrefix, parsePrefix } from '../../wire/ip.ts'
import { need, type Reader } from '../../wire/reader.ts'
import { type Writer, w8 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'

/** Reads `bits` bits of prefix at r.pos as text for an address of `width` octets. */
export function readPrefixBits(r: Reader, bits: number, width: 4 | 16): string {
  if (bits > width * 8) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `prefix length ${bits} exceeds ${width * 8} bits`,
      r.pos,
    )
  }
  const nb = (bits + 7) >> 3
  if (r.pos + nb > r.end) need(r, nb, 'prefix')
  const text = formatPrefix(r.buf, r.pos, bits, width)
  r.pos += nb
  return text
}

export function prefixBits(prefix: string, width: 4 | 16): { bytes: Uint8Array; bits: number } {
  const p = parsePrefix(prefix)
  if (!p || p.address.length !== width) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `not an IPv${width === 4 ? 4 : 6} prefix: ${prefix}`,
      0,
    )
  }
  return { bytes: p.address, bits: p.length }
}

/** Octets the prefix bits take on the wire (without the length octet). */
export function prefixOctets(prefix: string): number {
  const slash = prefix.lastIndexOf('/')
  return (Number(prefix.slice(slash + 1)) + 7) >> 3
}

export function writePrefixBytes(w: Writer, prefix: string, width: 4 | 16): void {
  const { bytes } = prefixBits(prefix, width)
  const nb = prefixOctets(prefix)
  for (let i = 0; i < nb; i++) w8(w, bytes[i]!)
}
