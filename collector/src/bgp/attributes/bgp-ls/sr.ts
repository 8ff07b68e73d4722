// Segment routing TLVs (RFC 9085). Flags here are defined per IGP (RFC 8667
// IS-IS, RFC 8665 OSPFv2, RFC 8666 OSPFv3), so they are kept as the octet.
//
//   1034 SR Capabilities (§2.1.2)        1036 SR Local Block (§2.1.4)
//     +-----------+-----------+            same layout; ranges are the SRGB
//     | Flags (1) | Rsvd (1)  |            (1034) or the SRLB (1036)
//     +-----------+-----------+-----------------------------+
//     | Range Size (3)        | SID/Label sub-TLV (1161)    |  repeated
//     +-----------------------+-----------------------------+
//
//   1035 SR Algorithm (§2.1.3): one octet per algorithm
//
//   1099 Adjacency SID (§2.2.1)              1158 Prefix SID (§2.3.1)
//     | Flags | Weight | Reserved (2) |        | Flags | Algorithm | Reserved (2) |
//     | SID/Label/Index (3 or 4)      |        | SID/Index/Label (3 or 4)       |
//
//   1100 LAN Adjacency SID (§2.2.2)
//     | Flags | Weight | Reserved (2) |
//     | Neighbor ID: IS-IS System-ID (6) or OSPF Router-ID (4) |
//     | SID/Label/Index (3 or 4)      |
//
//   1161 SID/Label (§2.1.1): 3 octets a label (20 rightmost bits), 4 an index
//   1170 Prefix Attribute Flags (§2.3.2): variable, per IGP; hex
//   1171 Source Router Identifier (§2.3.3): 4 or 16 octets

import { type Reader, take, u8, u16, u24 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w24 } from '../../../wire/writer.ts'
import {
  anyAddressTlv,
  readIPv4,
  readSystemId,
  uint,
  writeAddress,
  writeSystemId,
} from '../../nlri/bgp-ls/fields.ts'
import { malformed, valueLength } from '../../nlri/bgp-ls/tlv.ts'
import { readSidLabel, reserved, sidLabelSize, writeSidLabel } from './fields.ts'
import { opaqueTlv } from './node.ts'
import type {
  BgpLsAttributeTlvCodec,
  BgpLsLanAdjacencySid,
  BgpLsSidLabel,
  BgpLsSrRange,
  BgpLsSrRanges,
} from './types.ts'

export const SID_LABEL = 1161

function readRanges(r: Reader, name: string): BgpLsSrRanges {
  const flags = u8(r)
  const rsv = u8(r)
  const ranges: BgpLsSrRange[] = []
  while (r.pos < r.end) {
    const rangeSize = u24(r)
    const at = r.pos
    if (r.end - at < 4) throw malformed(`${name}: range without its SID/Label sub-TLV`, at)
    const type = u16(r)
    const len = u16(r)
    if (type !== SID_LABEL) throw malformed(`${name}: sub-TLV ${type} where SID/Label (1161) was due`, at)
    if (len !== 3 && len !== 4) throw malformed(`${name}: SID/Label of ${len} octets, expected 3 or 4`, at)
    if (r.pos + len > r.end) throw malformed(`${name}: SID/Label overruns the TLV`, at)
    ranges.push({ rangeSize, ...readSidLabel(take(r, len), len) })
  }
  return { flags, ...reserved(rsv), ranges }
}

function rangesTlv<K extends 'SR_CAPABILITIES' | 'SR_LOCAL_BLOCK'>(
  type: number,
  name: K,
): BgpLsAttributeTlvCodec<K> {
  return {
    code: type,
    name,
    decode: (r: Reader) => readRanges(r, name),
    size: (v: BgpLsSrRanges) => 2 + v.ranges.reduce((n, x) => n + 3 + 4 + sidLabelSize(x), 0),
    encode(w: Writer, v: BgpLsSrRanges) {
      w8(w, uint(v.flags, 8, `${name} flags`))
      w8(w, uint(v.reserved ?? 0, 8, `${name} reserved`))
      for (const x of v.ranges) {
        w24(w, uint(x.rangeSize, 24, 'range size'))
        w16(w, SID_LABEL)
        w16(w, sidLabelSize(x))
        writeSidLabel(w, x)
      }
    },
  } as BgpLsAttributeTlvCodec<K>
}

export const srAlgorithm: BgpLsAttributeTlvCodec<'SR_ALGORITHM'> = {
  code: 1035,
  name: 'SR_ALGORITHM',
  decode(r) {
    const out = new Array<number>(r.end - r.pos)
    for (let i = 0; i < out.length; i++) out[i] = u8(r)
    return out
  },
  size: (v) => v.length,
  encode(w, v) {
    for (const a of v) w8(w, uint(a, 8, 'SR algorithm'))
  },
}

export const adjacencySid: BgpLsAttributeTlvCodec<'ADJACENCY_SID'> = {
  code: 1099,
  name: 'ADJACENCY_SID',
  decode(r) {
    const len = valueLength(r, 'ADJACENCY_SID', 7, 8)
    const flags = u8(r)
    const weight = u8(r)
    const rsv = u16(r)
    return { flags, weight, ...reserved(rsv), ...readSidLabel(r, len - 4) }
  },
  size: (v) => 4 + sidLabelSize(v),
  encode(w, v) {
    w8(w, uint(v.flags, 8, 'ADJACENCY_SID flags'))
    w8(w, uint(v.weight, 8, 'ADJACENCY_SID weight'))
    w16(w, uint(v.reserved ?? 0, 16, 'ADJACENCY_SID reserved'))
    writeSidLabel(w, v)
  },
}

// Lengths 11/12 (OSPF Router-ID) and 13/14 (IS-IS System-ID) tell the neighbor ID apart.
export const lanAdjacencySid: BgpLsAttributeTlvCodec<'LAN_ADJACENCY_SID'> = {
  code: 1100,
  name: 'LAN_ADJACENCY_SID',
  decode(r) {
    const len = valueLength(r, 'LAN_ADJACENCY_SID', 11, 12, 13, 14)
    const flags = u8(r)
    const weight = u8(r)
    const rsv = u16(r)
    const neighbor = len >= 13 ? { neighborSystemId: readSystemId(r) } : { neighborRouterId: readIPv4(r) }
    const sid = readSidLabel(r, len >= 13 ? len - 10 : len - 8)
    return { flags, weight, ...reserved(rsv), ...neighbor, ...sid } as BgpLsLanAdjacencySid
  },
  size: (v) => 4 + ('neighborSystemId' in v ? 6 : 4) + sidLabelSize(v),
  encode(w, v) {
    w8(w, uint(v.flags, 8, 'LAN_ADJACENCY_SID flags'))
    w8(w, uint(v.weight, 8, 'LAN_ADJACENCY_SID weight'))
    w16(w, uint(v.reserved ?? 0, 16, 'LAN_ADJACENCY_SID reserved'))
    if ('neighborSystemId' in v) writeSystemId(w, v.neighborSystemId)
    else writeAddress(w, v.neighborRouterId, 4)
    writeSidLabel(w, v)
  },
}

export const prefixSid: BgpLsAttributeTlvCodec<'PREFIX_SID'> = {
  code: 1158,
  name: 'PREFIX_SID',
  decode(r) {
    const len = valueLength(r, 'PREFIX_SID', 7, 8)
    const flags = u8(r)
    const algorithm = u8(r)
    const rsv = u16(r)
    return { flags, algorithm, ...reserved(rsv), ...readSidLabel(r, len - 4) }
  },
  size: (v) => 4 + sidLabelSize(v),
  encode(w, v) {
    w8(w, uint(v.flags, 8, 'PREFIX_SID flags'))
    w8(w, uint(v.algorithm, 8, 'PREFIX_SID algorithm'))
    w16(w, uint(v.reserved ?? 0, 16, 'PREFIX_SID reserved'))
    writeSidLabel(w, v)
  },
}

export const sidLabel: BgpLsAttributeTlvCodec<'SID_LABEL'> = {
  code: SID_LABEL,
  name: 'SID_LABEL',
  decode: (r): BgpLsSidLabel => readSidLabel(r, valueLength(r, 'SID_LABEL', 3, 4)),
  size: sidLabelSize,
  encode: writeSidLabel,
}

export const SR_ATTRIBUTE_TLVS = [
  rangesTlv(1034, 'SR_CAPABILITIES'),
  srAlgorithm,
  rangesTlv(1036, 'SR_LOCAL_BLOCK'),
  adjacencySid,
  lanAdjacencySid,
  prefixSid,
  sidLabel,
  opaqueTlv(1170, 'PREFIX_ATTRIBUTE_FLAGS'),
  anyAddressTlv(1171, 'SOURCE_ROUTER_IDENTIFIER'),
] as const
