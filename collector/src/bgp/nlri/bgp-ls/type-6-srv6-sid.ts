// SRv6 SID NLRI, NLRI type 6 (RFC 9514 §6, Figure 7):
//
//   +--------------------------------+
//   |  Protocol-ID (1 octet)         |
//   +--------------------------------+
//   |  Identifier (8 octets)         |
//   +--------------------------------+
//   |  Local Node Descriptors (TLV)  |  256
//   +--------------------------------+
//   |  SRv6 SID Descriptors (TLVs)   |  518 SRv6 SID Information, 263 MT-ID
//   +--------------------------------+

import { commonSize, readCommon, writeCommon } from './header.ts'
import { decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'
import { descriptorScope } from './tlv-registry.ts'
import type { BgpLsDescriptorTlv, BgpLsNlriTypeCodec, BgpLsSrv6SidNlri } from './types.ts'

export const srv6SidNlri: BgpLsNlriTypeCodec<BgpLsSrv6SidNlri> = {
  code: 6,
  name: 'srv6-sid',
  decode(r) {
    const { common, scope } = readCommon(r)
    const srv6SidDescriptors = decodeTlvs<BgpLsDescriptorTlv>(r, scope)
    return { nlriType: 6, ...common, srv6SidDescriptors }
  },
  size(n) {
    const scope = descriptorScope(n.protocolId)
    return commonSize(n, scope) + tlvsSize(n.srv6SidDescriptors, scope)
  },
  encode(w, n) {
    const scope = descriptorScope(n.protocolId)
    writeCommon(w, n, scope)
    encodeTlvs(w, n.srv6SidDescriptors, scope)
  },
}
