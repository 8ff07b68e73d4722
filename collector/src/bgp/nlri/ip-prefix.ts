// IPv4/IPv6 unicast and multicast (RFC 4271 §4.3, RFC 4760 §5, RFC 2545):
//
//   +---------------------------+
//   |   Length (1 octet, bits)  |
//   +---------------------------+
//   |   Prefix (variable)       |
//   +---------------------------+

import { u8 } from '../../wire/reader.ts'
import { w8 } from '../../wire/writer.ts'
import { prefixBits, prefixOctets, readPrefixBits, writePrefixBytes } from './prefix.ts'
import type { FamilyCodec, IpPrefixNlri } from './types.ts'

export function ipPrefixFamily(afi: 1 | 2, safi: number, name: string): FamilyCodec<IpPrefixNlri> {
  const width = afi === 1 ? 4 : 16
  return {
    afi,
    safi,
    name,
    nextHop: 'ip',
    decode(r, pathId) {
      const bits = u8(r)
      return { prefix: readPrefixBits(r, bits, width), pathId }
    },
    size: (n) => 1 + prefixOctets(n.prefix),
    encode(w, n) {
      w8(w, prefixBits(n.prefix, width).bits)
      writePrefixBytes(w, n.prefix, width)
    },
    key: (n) => n.prefix,
  }
}
