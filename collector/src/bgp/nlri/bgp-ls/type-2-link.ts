// Link NLRI, NLRI type 2 (RFC 9552 §5.2, Figure 8):
//
//   +--------------------------------+
//   |  Protocol-ID (1 octet)         |
//   +--------------------------------+
//   |  Identifier (8 octets)         |
//   +--------------------------------+
//   |  Local Node Descriptors (TLV)  |  256
//   +--------------------------------+
//   |  Remote Node Descriptors (TLV) |  257
//   +--------------------------------+
//   |  Link Descriptors (TLVs)       |  258–263, to the end of the NLRI
//   +--------------------------------+

import {
  commonSize,
  nodeDescriptorsSize,
  REMOTE_NODE_DESCRIPTORS,
  readCommon,
  readNodeDescriptors,
  writeCommon,
  writeNodeDescriptors,
} from './header.ts'
import { decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'
import { descriptorScope } from './tlv-registry.ts'
import type { BgpLsDescriptorTlv, BgpLsLinkNlri, BgpLsNlriTypeCodec } from './types.ts'

export const linkNlri: BgpLsNlriTypeCodec<BgpLsLinkNlri> = {
  code: 2,
  name: 'link',
  decode(r) {
    const { common, scope } = readCommon(r)
    const remoteNodeDescriptors = readNodeDescriptors(r, REMOTE_NODE_DESCRIPTORS, scope)
    const linkDescriptors = decodeTlvs<BgpLsDescriptorTlv>(r, scope)
    return { nlriType: 2, ...common, remoteNodeDescriptors, linkDescriptors }
  },
  size(n) {
    const scope = descriptorScope(n.protocolId)
    return (
      commonSize(n, scope) +
      nodeDescriptorsSize(n.remoteNodeDescriptors, scope) +
      tlvsSize(n.linkDescriptors, scope)
    )
  },
  encode(w, n) {
    const scope = descriptorScope(n.protocolId)
    writeCommon(w, n, scope)
    writeNodeDescriptors(w, REMOTE_NODE_DESCRIPTORS, n.remoteNodeDescriptors, scope)
    encodeTlvs(w, n.linkDescriptors, scope)
  },
}
