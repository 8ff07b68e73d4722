// IPv4 and IPv6 Topology Prefix NLRI, NLRI types 3 and 4 (RFC 9552 §5.2,
// Figure 9), one layout for both:
//
//   +--------------------------------+
//   |  Protocol-ID (1 octet)         |
//   +--------------------------------+
//   |  Identifier (8 octets)         |
//   +--------------------------------+
//   |  Local Node Descriptors (TLV)  |  256
//   +--------------------------------+
//   |  Prefix Descriptors (TLVs)     |  263, 264, 265, to the end of the NLRI
//   +--------------------------------+
//
// The NLRI type says the family of the IP Reachability Information prefix.

import { commonSize, readCommon, writeCommon } from './header.ts'
import { decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'
import { descriptorScope } from './tlv-registry.ts'
import type { BgpLsDescriptorTlv, BgpLsNlriTypeCodec, BgpLsPrefixNlri } from './types.ts'

export function topologyPrefixNlri(code: 3 | 4, name: string): BgpLsNlriTypeCodec<BgpLsPrefixNlri> {
  const width = code === 3 ? 4 : 16
  return {
    code,
    name,
    decode(r) {
      const { common, scope } = readCommon(r, width)
      const prefixDescriptors = decodeTlvs<BgpLsDescriptorTlv>(r, scope)
      return { nlriType: code, ...common, prefixDescriptors }
    },
    size(n) {
      const scope = descriptorScope(n.protocolId, width)
      return commonSize(n, scope) + tlvsSize(n.prefixDescriptors, scope)
    },
    encode(w, n) {
      const scope = descriptorScope(n.protocolId, width)
      writeCommon(w, n, scope)
      encodeTlvs(w, n.prefixDescriptors, scope)
    },
  }
}
