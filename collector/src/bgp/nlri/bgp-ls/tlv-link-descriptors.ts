// Link descriptors (RFC 9552 §5.2.2), and the Multi-Topology Identifier that
// is also a prefix descriptor and a node attribute:
//
//   258 Link Local/Remote Identifiers   8 octets: local (4), remote (4)
//   259 IPv4 interface address          4
//   260 IPv4 neighbor address           4
//   261 IPv6 interface address          16
//   262 IPv6 neighbor address           16
//   263 Multi-Topology Identifier       2 × n:
//
//        0                   1
//        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//       |R R R R|  Multi-Topology ID    |   repeated
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The R bits "MUST be ignored on receipt", so an entry with any of them set is
// kept whole (a number above 4095) rather than rejected, and re-encodes as sent.

import { type Reader, u16, u32 } from '../../../wire/reader.ts'
import { type Writer, w16, w32 } from '../../../wire/writer.ts'
import { addressTlv, uint } from './fields.ts'
import { valueLength, valueMultiple } from './tlv.ts'
import type { BgpLsDescriptorCodec, BgpLsLinkIdentifiers } from './types.ts'

export const linkIdentifiers: BgpLsDescriptorCodec<'LINK_LOCAL_REMOTE_IDENTIFIERS'> = {
  code: 258,
  name: 'LINK_LOCAL_REMOTE_IDENTIFIERS',
  decode(r: Reader): BgpLsLinkIdentifiers {
    valueLength(r, 'LINK_LOCAL_REMOTE_IDENTIFIERS', 8)
    return { localId: u32(r), remoteId: u32(r) }
  },
  size: () => 8,
  encode(w: Writer, v) {
    w32(w, uint(v.localId, 32, 'link local identifier'))
    w32(w, uint(v.remoteId, 32, 'link remote identifier'))
  },
}

export const multiTopologyId: BgpLsDescriptorCodec<'MULTI_TOPOLOGY_ID'> = {
  code: 263,
  name: 'MULTI_TOPOLOGY_ID',
  decode(r) {
    const n = valueMultiple(r, 'MULTI_TOPOLOGY_ID', 2)
    const out = new Array<number>(n)
    for (let i = 0; i < n; i++) out[i] = u16(r)
    return out
  },
  size: (v) => 2 * v.length,
  encode(w, v) {
    for (const id of v) w16(w, uint(id, 16, 'MT-ID'))
  },
}

export const LINK_DESCRIPTOR_TLVS = [
  linkIdentifiers,
  addressTlv(259, 'IPV4_INTERFACE_ADDRESS', 4),
  addressTlv(260, 'IPV4_NEIGHBOR_ADDRESS', 4),
  addressTlv(261, 'IPV6_INTERFACE_ADDRESS', 16),
  addressTlv(262, 'IPV6_NEIGHBOR_ADDRESS', 16),
  multiTopologyId,
] as const
