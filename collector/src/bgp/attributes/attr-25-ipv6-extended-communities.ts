// IPV6_EXTENDED_COMMUNITIES, type 25, optional transitive (RFC 5701 §2):
// 20-octet communities (see extended-communities/ipv6.ts). RFC 7606 §7.15: a
// length that is not a multiple of 20 is treat-as-withdraw.

import { wbytes } from '../../wire/writer.ts'
import { decodeIpv6ExtendedCommunity, encodeIpv6ExtendedCommunity } from './extended-communities/ipv6.ts'
import type { Ipv6ExtendedCommunity } from './extended-communities/types.ts'
import { multipleLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const ipv6ExtendedCommunities: AttributeCodec<'IPV6_EXTENDED_COMMUNITIES'> = {
  code: 25,
  name: 'IPV6_EXTENDED_COMMUNITIES',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    multipleLength(r, 20, 'IPV6_EXTENDED_COMMUNITIES')
    const out: Ipv6ExtendedCommunity[] = []
    for (; r.pos < r.end; r.pos += 20) out.push(decodeIpv6ExtendedCommunity(r.buf, r.pos))
    return out
  },
  size: (v) => 20 * v.length,
  encode(w, v) {
    for (const e of v) wbytes(w, encodeIpv6ExtendedCommunity(e))
  },
}
