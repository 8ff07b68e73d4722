// Link attribute TLVs (RFC 9552 §5.3.2; 1028/1029 are in node.ts):
//
//   1030 IPv4 Router-ID of Remote Node      4
//   1031 IPv6 Router-ID of Remote Node      16
//   1088 Administrative group (color)       4
//   1089 Maximum link bandwidth             4, IEEE float, bytes per second
//   1090 Max. reservable link bandwidth     4, IEEE float
//   1091 Unreserved bandwidth               32: 8 IEEE floats, priorities 0–7
//   1092 TE Default Metric                  4
//   1093 Link Protection Type               2: flags (RFC 4203 §1.2), reserved
//   1094 MPLS Protocol Mask                 1: L (LDP), R (RSVP-TE), 6 bits reserved
//   1095 IGP Metric                         1 (IS-IS narrow), 2 (OSPF), 3 (IS-IS wide)
//   1096 Shared Risk Link Group             4 × n
//   1097 Opaque Link Attribute              variable
//   1098 Link Name                          variable
//
//   Link Protection Type:  0 1 2 3 4 5 6 7  8 … 15
//                         +-+-+-+-+-+-+-+-+---------+
//                         |R|R|E|D|d|S|U|X| reserved|
//                         +-+-+-+-+-+-+-+-+---------+
//   X 0x01 extra traffic, U 0x02 unprotected, S 0x04 shared, d 0x08 dedicated
//   1:1, D 0x10 dedicated 1+1, E 0x20 enhanced; written by name.

import { u8, u16, u24, u32 } from '../../../wire/reader.ts'
import { w8, w16, w24, w32 } from '../../../wire/writer.ts'
import { addressTlv, u32Tlv, uint } from '../../nlri/bgp-ls/fields.ts'
import { malformed, valueLength, valueMultiple } from '../../nlri/bgp-ls/tlv.ts'
import { type FlagNames, readFlags, readFloat32, writeFlags, writeFloat32 } from './fields.ts'
import { opaqueTlv, textTlv } from './node.ts'
import type { BgpLsAttributeTlvCodec, BgpLsFloat32, BgpLsIgpMetric } from './types.ts'

function bandwidthTlv<K extends 'MAXIMUM_LINK_BANDWIDTH' | 'MAXIMUM_RESERVABLE_LINK_BANDWIDTH'>(
  type: number,
  name: K,
): BgpLsAttributeTlvCodec<K> {
  return {
    code: type,
    name,
    decode(r) {
      valueLength(r, name, 4)
      return readFloat32(r)
    },
    size: () => 4,
    encode: (w, v: BgpLsFloat32) => writeFloat32(w, v, name),
  } as BgpLsAttributeTlvCodec<K>
}

export const unreservedBandwidth: BgpLsAttributeTlvCodec<'UNRESERVED_BANDWIDTH'> = {
  code: 1091,
  name: 'UNRESERVED_BANDWIDTH',
  decode(r) {
    valueLength(r, 'UNRESERVED_BANDWIDTH', 32)
    const out = new Array<BgpLsFloat32>(8)
    for (let i = 0; i < 8; i++) out[i] = readFloat32(r)
    return out
  },
  size: () => 32,
  encode(w, v) {
    if (v.length !== 8) throw malformed(`UNRESERVED_BANDWIDTH with ${v.length} priorities, not 8`)
    for (const b of v) writeFloat32(w, b, 'UNRESERVED_BANDWIDTH')
  },
}

export const PROTECTION_NAMES: FlagNames = [
  undefined,
  undefined,
  'enhanced',
  'dedicated-1+1',
  'dedicated-1:1',
  'shared',
  'unprotected',
  'extra-traffic',
]

export const linkProtectionType: BgpLsAttributeTlvCodec<'LINK_PROTECTION_TYPE'> = {
  code: 1093,
  name: 'LINK_PROTECTION_TYPE',
  decode(r) {
    valueLength(r, 'LINK_PROTECTION_TYPE', 2)
    return readFlags(r, 16, PROTECTION_NAMES)
  },
  size: () => 2,
  encode: (w, v) => writeFlags(w, v, 16, PROTECTION_NAMES, 'LINK_PROTECTION_TYPE'),
}

export const MPLS_PROTOCOL_NAMES: FlagNames = ['L', 'R']

export const mplsProtocolMask: BgpLsAttributeTlvCodec<'MPLS_PROTOCOL_MASK'> = {
  code: 1094,
  name: 'MPLS_PROTOCOL_MASK',
  decode(r) {
    valueLength(r, 'MPLS_PROTOCOL_MASK', 1)
    return readFlags(r, 8, MPLS_PROTOCOL_NAMES)
  },
  size: () => 1,
  encode: (w, v) => writeFlags(w, v, 8, MPLS_PROTOCOL_NAMES, 'MPLS_PROTOCOL_MASK'),
}

// RFC 9552 §5.3.2.4: the IS-IS narrow metric's two reserved high bits are kept in `metric`.
export const igpMetric: BgpLsAttributeTlvCodec<'IGP_METRIC'> = {
  code: 1095,
  name: 'IGP_METRIC',
  decode(r): BgpLsIgpMetric {
    const octets = valueLength(r, 'IGP_METRIC', 1, 2, 3) as 1 | 2 | 3
    return { metric: octets === 1 ? u8(r) : octets === 2 ? u16(r) : u24(r), octets }
  },
  size(v) {
    if (v.octets !== 1 && v.octets !== 2 && v.octets !== 3)
      throw malformed(`IGP_METRIC of ${v.octets} octets`)
    return v.octets
  },
  encode(w, v) {
    const m = uint(v.metric, 8 * v.octets, 'IGP metric')
    if (v.octets === 1) w8(w, m)
    else if (v.octets === 2) w16(w, m)
    else w24(w, m)
  },
}

export const sharedRiskLinkGroup: BgpLsAttributeTlvCodec<'SHARED_RISK_LINK_GROUP'> = {
  code: 1096,
  name: 'SHARED_RISK_LINK_GROUP',
  decode(r) {
    const n = valueMultiple(r, 'SHARED_RISK_LINK_GROUP', 4)
    const out = new Array<number>(n)
    for (let i = 0; i < n; i++) out[i] = u32(r)
    return out
  },
  size: (v) => 4 * v.length,
  encode(w, v) {
    for (const g of v) w32(w, uint(g, 32, 'SRLG'))
  },
}

export const LINK_ATTRIBUTE_TLVS = [
  addressTlv(1030, 'IPV4_REMOTE_ROUTER_ID', 4),
  addressTlv(1031, 'IPV6_REMOTE_ROUTER_ID', 16),
  u32Tlv(1088, 'ADMINISTRATIVE_GROUP'),
  bandwidthTlv(1089, 'MAXIMUM_LINK_BANDWIDTH'),
  bandwidthTlv(1090, 'MAXIMUM_RESERVABLE_LINK_BANDWIDTH'),
  unreservedBandwidth,
  u32Tlv(1092, 'TE_DEFAULT_METRIC'),
  linkProtectionType,
  mplsProtocolMask,
  igpMetric,
  sharedRiskLinkGroup,
  opaqueTlv(1097, 'OPAQUE_LINK_ATTRIBUTE'),
  textTlv(1098, 'LINK_NAME'),
] as const
