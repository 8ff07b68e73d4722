// Node attribute TLVs (RFC 9552 §5.3.1; 263 Multi-Topology Identifier is a
// descriptor TLV, nlri/bgp-ls/tlv-link-descriptors.ts):
//
//   1024 Node Flag Bits                 1 octet:  O T E B R V, 2 bits reserved
//   1025 Opaque Node Attribute          variable
//   1026 Node Name                      variable
//   1027 IS-IS Area Identifier          variable
//   1028 IPv4 Router-ID of Local Node   4
//   1029 IPv6 Router-ID of Local Node   16
//
//   Node Flag Bits:  0 1 2 3 4 5 6 7
//                   +-+-+-+-+-+-+-+-+
//                   |O|T|E|B|R|V|Rsv|   Overload, Attached, External, ABR, Router, V6
//                   +-+-+-+-+-+-+-+-+

import { addressTlv } from '../../nlri/bgp-ls/fields.ts'
import { valueLength } from '../../nlri/bgp-ls/tlv.ts'
import type { BgpLsTlvCodec } from '../../nlri/bgp-ls/types.ts'
import {
  type FlagNames,
  readFlags,
  readHex,
  readText,
  textSize,
  writeFlags,
  writeHex,
  writeText,
} from './fields.ts'
import type { BgpLsAttributeTlvCodec, BgpLsText } from './types.ts'

export const NODE_FLAG_NAMES: FlagNames = ['O', 'T', 'E', 'B', 'R', 'V']

export const nodeFlagBits: BgpLsAttributeTlvCodec<'NODE_FLAG_BITS'> = {
  code: 1024,
  name: 'NODE_FLAG_BITS',
  decode(r) {
    valueLength(r, 'NODE_FLAG_BITS', 1)
    return readFlags(r, 8, NODE_FLAG_NAMES)
  },
  size: () => 1,
  encode: (w, v) => writeFlags(w, v, 8, NODE_FLAG_NAMES, 'NODE_FLAG_BITS'),
}

/** Octets kept as hex. */
export function opaqueTlv<N extends string>(type: number, name: N): BgpLsTlvCodec<N, string> {
  return {
    code: type,
    name,
    decode: readHex,
    size: (v) => v.length >> 1,
    encode: (w, v) => writeHex(w, v, name),
  }
}

/** A name: UTF-8 text, or hex when not valid UTF-8. */
export function textTlv<N extends string>(type: number, name: N): BgpLsTlvCodec<N, BgpLsText> {
  return { code: type, name, decode: readText, size: textSize, encode: writeText }
}

export const NODE_ATTRIBUTE_TLVS = [
  nodeFlagBits,
  opaqueTlv(1025, 'OPAQUE_NODE_ATTRIBUTE'),
  textTlv(1026, 'NODE_NAME'),
  opaqueTlv(1027, 'ISIS_AREA_IDENTIFIER'),
  addressTlv(1028, 'IPV4_LOCAL_ROUTER_ID', 4),
  addressTlv(1029, 'IPV6_LOCAL_ROUTER_ID', 16),
] as const
