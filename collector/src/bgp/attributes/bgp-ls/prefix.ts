// Prefix attribute TLVs (RFC 9552 §5.3.3):
//
//   1152 IGP Flags                  1 octet: D N L P, 4 bits reserved
//   1153 IGP Route Tag              4 × n
//   1154 IGP Extended Route Tag     8 × n
//   1155 Prefix Metric              4
//   1156 OSPF Forwarding Address    4 (OSPFv2) or 16 (OSPFv3)
//   1157 Opaque Prefix Attribute    variable
//
//   IGP Flags:  0 1 2 3 4 5 6 7
//              +-+-+-+-+-+-+-+-+
//              |D|N|L|P| Rsvd  |   D: IS-IS Up/Down; N: OSPF "no unicast";
//              +-+-+-+-+-+-+-+-+   L: OSPF "local address"; P: OSPF "propagate NSSA"

import { u32, u64 } from '../../../wire/reader.ts'
import { w32, w64 } from '../../../wire/writer.ts'
import { anyAddressTlv, u32Tlv, uint } from '../../nlri/bgp-ls/fields.ts'
import { malformed, valueLength, valueMultiple } from '../../nlri/bgp-ls/tlv.ts'
import { type FlagNames, readFlags, writeFlags } from './fields.ts'
import { opaqueTlv } from './node.ts'
import type { BgpLsAttributeTlvCodec } from './types.ts'

export const IGP_FLAG_NAMES: FlagNames = ['D', 'N', 'L', 'P']

export const igpFlags: BgpLsAttributeTlvCodec<'IGP_FLAGS'> = {
  code: 1152,
  name: 'IGP_FLAGS',
  decode(r) {
    valueLength(r, 'IGP_FLAGS', 1)
    return readFlags(r, 8, IGP_FLAG_NAMES)
  },
  size: () => 1,
  encode: (w, v) => writeFlags(w, v, 8, IGP_FLAG_NAMES, 'IGP_FLAGS'),
}

export const igpRouteTag: BgpLsAttributeTlvCodec<'IGP_ROUTE_TAG'> = {
  code: 1153,
  name: 'IGP_ROUTE_TAG',
  decode(r) {
    const n = valueMultiple(r, 'IGP_ROUTE_TAG', 4)
    const out = new Array<number>(n)
    for (let i = 0; i < n; i++) out[i] = u32(r)
    return out
  },
  size: (v) => 4 * v.length,
  encode(w, v) {
    for (const t of v) w32(w, uint(t, 32, 'route tag'))
  },
}

export const igpExtendedRouteTag: BgpLsAttributeTlvCodec<'IGP_EXTENDED_ROUTE_TAG'> = {
  code: 1154,
  name: 'IGP_EXTENDED_ROUTE_TAG',
  decode(r) {
    const n = valueMultiple(r, 'IGP_EXTENDED_ROUTE_TAG', 8)
    const out = new Array<bigint>(n)
    for (let i = 0; i < n; i++) out[i] = u64(r)
    return out
  },
  size: (v) => 8 * v.length,
  encode(w, v) {
    for (const t of v) {
      if (typeof t !== 'bigint' || t < 0n || t > 0xffffffffffffffffn) {
        throw malformed(`extended route tag ${String(t)} is not a 64-bit number`)
      }
      w64(w, t)
    }
  },
}

export const PREFIX_ATTRIBUTE_TLVS = [
  igpFlags,
  igpRouteTag,
  igpExtendedRouteTag,
  u32Tlv(1155, 'PREFIX_METRIC'),
  anyAddressTlv(1156, 'OSPF_FORWARDING_ADDRESS'),
  opaqueTlv(1157, 'OPAQUE_PREFIX_ATTRIBUTE'),
] as const
