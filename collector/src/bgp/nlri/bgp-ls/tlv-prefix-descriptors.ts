// Prefix descriptors (RFC 9552 §5.2.3; 263 Multi-Topology Identifier is in
// tlv-link-descriptors.ts):
//
//   264 OSPF Route Type              1 octet: 1 intra-area, 2 inter-area,
//                                    3 external 1, 4 external 2, 5 NSSA 1, 6 NSSA 2
//   265 IP Reachability Information  variable:
//
//       +---------------+-----------------------------+
//       | Prefix Length | IP Prefix (variable)        |
//       +---------------+-----------------------------+
//
// The prefix takes just the octets its length needs (RFC 9552 §5.2.3.2), so
// the TLV length must be 1 + ceil(length / 8). It is IPv4 in an IPv4 Topology
// Prefix NLRI and IPv6 in an IPv6 one (the scope's prefixWidth); elsewhere a
// length above 32 says IPv6. Host bits are kept as sent.

import { u8 } from '../../../wire/reader.ts'
import { w8 } from '../../../wire/writer.ts'
import { prefixBits, prefixOctets, readPrefixBits, writePrefixBytes } from '../prefix.ts'
import { uint } from './fields.ts'
import { malformed, valueLength } from './tlv.ts'
import type { BgpLsDescriptorCodec } from './types.ts'

export const ospfRouteType: BgpLsDescriptorCodec<'OSPF_ROUTE_TYPE'> = {
  code: 264,
  name: 'OSPF_ROUTE_TYPE',
  decode(r) {
    valueLength(r, 'OSPF_ROUTE_TYPE', 1)
    return u8(r)
  },
  size: () => 1,
  encode: (w, v) => w8(w, uint(v, 8, 'OSPF route type')),
}

function widthOf(prefix: string): 4 | 16 {
  return typeof prefix === 'string' && prefix.includes(':') ? 16 : 4
}

export const ipReachability: BgpLsDescriptorCodec<'IP_REACHABILITY_INFORMATION'> = {
  code: 265,
  name: 'IP_REACHABILITY_INFORMATION',
  decode(r, scope) {
    const at = r.pos
    const bits = u8(r)
    const width = scope.prefixWidth ?? (bits > 32 ? 16 : 4)
    if (bits > width * 8) throw malformed(`IP_REACHABILITY_INFORMATION prefix length ${bits}`, at)
    if (r.end - r.pos !== (bits + 7) >> 3) {
      throw malformed(
        `IP_REACHABILITY_INFORMATION of ${r.end - at} octets for a /${bits}, expected ${1 + ((bits + 7) >> 3)}`,
        at,
      )
    }
    return readPrefixBits(r, bits, width)
  },
  size: (v) => 1 + prefixOctets(v),
  encode(w, v) {
    const width = widthOf(v)
    w8(w, prefixBits(v, width).bits)
    writePrefixBytes(w, v, width)
  },
}

export const PREFIX_DESCRIPTOR_TLVS = [ospfRouteType, ipReachability] as const
