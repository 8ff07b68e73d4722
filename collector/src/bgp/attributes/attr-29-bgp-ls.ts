// BGP-LS Attribute, type 29, optional non-transitive (RFC 9552 §5.3):
//
//   +-------------------------------+-------------------------------+
//   |         Type (2 octets)       |        Length (2 octets)      |  TLVs to
//   +-------------------------------+-------------------------------+  the end
//   |                     Value (Length octets)                     |
//   +---------------------------------------------------------------+
//
// Node (1024–1029), link (1028–1031, 1088–1098) and prefix (1152–1157)
// attribute TLVs, the segment-routing ones of RFC 9085, RFC 9086 and RFC 9514,
// and the descriptor TLVs some speakers put here: bgp-ls/registry.ts. Unknown
// TLVs are kept as { type, hex }; the list keeps wire order and repeats.
//
// RFC 9552 §8.2.2: when the attribute's own length fits the UPDATE but a TLV
// or sub-TLV inside it is malformed (overruns its container, a recognized TLV
// of the wrong length), the attribute is discarded: attribute-discard, the
// NLRI stay. An attribute that does not fit the UPDATE is the attribute
// list's §4 case (treat-as-withdraw).

import type { Reader } from '../../wire/reader.ts'
import { decodeTlvs, encodeTlvs, tlvsSize } from '../nlri/bgp-ls/tlv.ts'
import { ATTRIBUTE_SCOPE } from './bgp-ls/registry.ts'
import type { BgpLsAttributeTlv } from './bgp-ls/types.ts'
import type { AttributeCodec } from './types.ts'

export const bgpLs: AttributeCodec<'BGP_LS'> = {
  code: 29,
  name: 'BGP_LS',
  flags: 0x80,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: (r: Reader) => decodeTlvs<BgpLsAttributeTlv>(r, ATTRIBUTE_SCOPE),
  size: (v) => tlvsSize(v, ATTRIBUTE_SCOPE),
  encode: (w, v) => encodeTlvs(w, v, ATTRIBUTE_SCOPE),
}
