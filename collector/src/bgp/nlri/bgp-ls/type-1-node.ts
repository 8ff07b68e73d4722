// Node NLRI, NLRI type 1 (RFC 9552 §5.2, Figure 7):
//
//   +--------------------------------+
//   |  Protocol-ID (1 octet)         |
//   +--------------------------------+
//   |  Identifier (8 octets)         |
//   +--------------------------------+
//   |  Local Node Descriptors (TLV)  |
//   +--------------------------------+
//
// Nothing follows the Local Node Descriptors: octets left over mean the Total
// NLRI Length does not match the descriptors (RFC 9552 §8.2.2, check 3).

import { commonSize, readCommon, writeCommon } from './header.ts'
import { descriptorScope } from './tlv-registry.ts'
import type { BgpLsNlriTypeCodec, BgpLsNodeNlri } from './types.ts'

export const nodeNlri: BgpLsNlriTypeCodec<BgpLsNodeNlri> = {
  code: 1,
  name: 'node',
  decode(r) {
    const { common } = readCommon(r)
    return { nlriType: 1, ...common }
  },
  size: (n) => commonSize(n, descriptorScope(n.protocolId)),
  encode: (w, n) => writeCommon(w, n, descriptorScope(n.protocolId)),
}
