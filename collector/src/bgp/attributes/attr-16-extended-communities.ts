// EXTENDED_COMMUNITIES, type 16, optional transitive (RFC 4360 §2):
//
//   +----------+----------+--------------------------------+
//   | Type (1) | Subtype  | Value (6 octets)               |  repeated, 8 octets each
//   +----------+----------+--------------------------------+
//
// The kinds decoded are in extended-communities/registry.ts. RFC 7606 §7.14: a
// length that is not a multiple of 8 is treat-as-withdraw.

import { wbytes } from '../../wire/writer.ts'
import { decodeExtendedCommunity, encodeExtendedCommunity } from './extended-communities/registry.ts'
import type { ExtendedCommunity } from './extended-communities/types.ts'
import { multipleLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const extendedCommunities: AttributeCodec<'EXTENDED_COMMUNITIES'> = {
  code: 16,
  name: 'EXTENDED_COMMUNITIES',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    multipleLength(r, 8, 'EXTENDED_COMMUNITIES')
    const out: ExtendedCommunity[] = []
    for (; r.pos < r.end; r.pos += 8) out.push(decodeExtendedCommunity(r.buf, r.pos))
    return out
  },
  size: (v) => 8 * v.length,
  encode(w, v) {
    for (const e of v) wbytes(w, encodeExtendedCommunity(e))
  },
}
