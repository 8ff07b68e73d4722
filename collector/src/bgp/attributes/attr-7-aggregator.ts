// AGGREGATOR, type 7, optional transitive (RFC 4271 §5.1.7, RFC 6793 §3):
//
//   +------------------------------+---------------------------+
//   | AS (2 octets, or 4 with asn4)| IPv4 address (4 octets)   |
//   +------------------------------+---------------------------+
//
// RFC 7606 §7.7: a length other than 6 (8 on a 4-octet-AS session) is
// attribute-discard.

import { formatIPv4 } from '../../wire/ip.ts'
import { bytes, type Reader, u16, u32 } from '../../wire/reader.ts'
import { type Writer, w16, w32, wbytes } from '../../wire/writer.ts'
import { ipv4Bytes } from './ipv4.ts'
import { exactLength } from './length.ts'
import type { Aggregator, AttributeCodec } from './types.ts'

export function decodeAggregator(r: Reader, asn4: boolean, name: string): Aggregator {
  exactLength(r, asn4 ? 8 : 6, name)
  const asn = asn4 ? u32(r) : u16(r)
  return { asn, address: formatIPv4(bytes(r, 4)) }
}

export function encodeAggregator(w: Writer, v: Aggregator, asn4: boolean): void {
  if (asn4) w32(w, v.asn)
  else w16(w, v.asn)
  wbytes(w, ipv4Bytes(v.address))
}

export const aggregator: AttributeCodec<'AGGREGATOR'> = {
  code: 7,
  name: 'AGGREGATOR',
  flags: 0xc0,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode: (r, ctx) => decodeAggregator(r, ctx.asn4, 'AGGREGATOR'),
  size: (_v, ctx) => (ctx.asn4 ? 8 : 6),
  encode: (w, v, ctx) => encodeAggregator(w, v, ctx.asn4),
}
