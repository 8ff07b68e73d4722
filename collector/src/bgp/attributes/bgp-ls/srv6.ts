// SRv6 TLVs (RFC 9514). Sub-TLVs (the SRv6 SID Structure, …) are decoded
// with the attribute's own TLV registry.
//
//   1038 SRv6 Capabilities (§3.1), node
//     | Flags (2): bit 1 O (OAM) | Reserved (2) | Sub-TLVs … |
//
//   1106 SRv6 End.X SID (§4.1), 1107 IS-IS SRv6 LAN End.X SID, 1108 OSPFv3
//   SRv6 LAN End.X SID (§4.2), link
//     | Endpoint Behavior (2) | Flags (1): B S P | Algorithm (1) |
//     | Weight (1) | Reserved (1) |
//     | Neighbor ID: IS-IS System-ID (6, 1107) or OSPFv3 Router-ID (4, 1108) |
//     | SID (16) | Sub-TLVs … |
//
//   1162 SRv6 Locator (§5.1), prefix
//     | Flags (1): D | Algorithm (1) | Reserved (2) | Metric (4) | Sub-TLVs … |
//
//   1250 SRv6 Endpoint Behavior (§7.1), SRv6 SID
//     | Endpoint Behavior (2) | Flags (1), none defined | Algorithm (1) |
//
//   1251 SRv6 BGP Peer Node SID (§7.2), SRv6 SID
//     | Flags (1): B S P | Weight (1) | Reserved (2) | Peer AS (4) | Peer BGP Identifier (4) |
//
//   1252 SRv6 SID Structure (§8), sub-TLV
//     | LB Length (1) | LN Length (1) | Function Length (1) | Argument Length (1) |

import { bytes, type Reader, u8, u16, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w32 } from '../../../wire/writer.ts'
import {
  readIPv4,
  readIPv6,
  readSystemId,
  uint,
  writeAddress,
  writeSystemId,
} from '../../nlri/bgp-ls/fields.ts'
import { decodeTlvs, encodeTlvs, malformed, tlvsSize, valueLength } from '../../nlri/bgp-ls/tlv.ts'
import type { BgpLsTlvScope } from '../../nlri/bgp-ls/types.ts'
import { type FlagNames, readFlags, reserved, writeFlags } from './fields.ts'
import type {
  BgpLsAttributeTlv,
  BgpLsAttributeTlvCodec,
  BgpLsIsisSrv6LanEndXSid,
  BgpLsOspfv3Srv6LanEndXSid,
  BgpLsSrv6EndXSid,
} from './types.ts'

export const SRV6_CAPABILITY_FLAG_NAMES: FlagNames = [undefined, 'O']
export const END_X_FLAG_NAMES: FlagNames = ['B', 'S', 'P']
export const LOCATOR_FLAG_NAMES: FlagNames = ['D']
export const BGP_PEER_NODE_FLAG_NAMES: FlagNames = ['B', 'S', 'P']
const NO_FLAG_NAMES: FlagNames = []

function subTlvs(r: Reader, scope: BgpLsTlvScope): { subTlvs?: BgpLsAttributeTlv[] } {
  if (r.pos === r.end) return {}
  return { subTlvs: decodeTlvs<BgpLsAttributeTlv>(r, scope) }
}

export const srv6Capabilities: BgpLsAttributeTlvCodec<'SRV6_CAPABILITIES'> = {
  code: 1038,
  name: 'SRV6_CAPABILITIES',
  decode(r, scope) {
    if (r.end - r.pos < 4)
      throw malformed(`SRV6_CAPABILITIES of ${r.end - r.pos} octets, fewer than 4`, r.pos)
    const flags = readFlags(r, 16, SRV6_CAPABILITY_FLAG_NAMES)
    const rsv = u16(r)
    return { flags, ...reserved(rsv), ...subTlvs(r, scope) }
  },
  size: (v, scope) => 4 + tlvsSize(v.subTlvs ?? [], scope),
  encode(w, v, scope) {
    writeFlags(w, v.flags, 16, SRV6_CAPABILITY_FLAG_NAMES, 'SRV6_CAPABILITIES flags')
    w16(w, uint(v.reserved ?? 0, 16, 'SRV6_CAPABILITIES reserved'))
    encodeTlvs(w, v.subTlvs ?? [], scope)
  },
}

type EndXName = 'SRV6_END_X_SID' | 'ISIS_SRV6_LAN_END_X_SID' | 'OSPFV3_SRV6_LAN_END_X_SID'

/** End.X SIDs: `neighbor` is the Neighbor ID's octets (0, 6 or 4). */
function endXTlv<K extends EndXName>(type: number, name: K, neighbor: 0 | 4 | 6): BgpLsAttributeTlvCodec<K> {
  const fixed = 6 + neighbor + 16
  return {
    code: type,
    name,
    decode(r: Reader, scope: BgpLsTlvScope) {
      if (r.end - r.pos < fixed)
        throw malformed(`${name} of ${r.end - r.pos} octets, fewer than ${fixed}`, r.pos)
      const behavior = u16(r)
      const flags = readFlags(r, 8, END_X_FLAG_NAMES)
      const algorithm = u8(r)
      const weight = u8(r)
      const rsv = u8(r)
      const head = { behavior, flags, algorithm, weight, ...reserved(rsv) }
      const id =
        neighbor === 6
          ? { neighborSystemId: readSystemId(r) }
          : neighbor === 4
            ? { neighborRouterId: readIPv4(r) }
            : {}
      return { ...head, ...id, sid: readIPv6(r), ...subTlvs(r, scope) }
    },
    size: (v: BgpLsSrv6EndXSid, scope: BgpLsTlvScope) => fixed + tlvsSize(v.subTlvs ?? [], scope),
    encode(w: Writer, v: BgpLsSrv6EndXSid, scope: BgpLsTlvScope) {
      w16(w, uint(v.behavior, 16, `${name} behavior`))
      writeFlags(w, v.flags, 8, END_X_FLAG_NAMES, `${name} flags`)
      w8(w, uint(v.algorithm, 8, `${name} algorithm`))
      w8(w, uint(v.weight, 8, `${name} weight`))
      w8(w, uint(v.reserved ?? 0, 8, `${name} reserved`))
      if (neighbor === 6) writeSystemId(w, (v as BgpLsIsisSrv6LanEndXSid).neighborSystemId)
      else if (neighbor === 4) writeAddress(w, (v as BgpLsOspfv3Srv6LanEndXSid).neighborRouterId, 4)
      writeAddress(w, v.sid, 16)
      encodeTlvs(w, v.subTlvs ?? [], scope)
    },
  } as unknown as BgpLsAttributeTlvCodec<K>
}

export const srv6Locator: BgpLsAttributeTlvCodec<'SRV6_LOCATOR'> = {
  code: 1162,
  name: 'SRV6_LOCATOR',
  decode(r, scope) {
    if (r.end - r.pos < 8) throw malformed(`SRV6_LOCATOR of ${r.end - r.pos} octets, fewer than 8`, r.pos)
    const flags = readFlags(r, 8, LOCATOR_FLAG_NAMES)
    const algorithm = u8(r)
    const rsv = u16(r)
    const metric = u32(r)
    return { flags, algorithm, ...reserved(rsv), metric, ...subTlvs(r, scope) }
  },
  size: (v, scope) => 8 + tlvsSize(v.subTlvs ?? [], scope),
  encode(w, v, scope) {
    writeFlags(w, v.flags, 8, LOCATOR_FLAG_NAMES, 'SRV6_LOCATOR flags')
    w8(w, uint(v.algorithm, 8, 'SRV6_LOCATOR algorithm'))
    w16(w, uint(v.reserved ?? 0, 16, 'SRV6_LOCATOR reserved'))
    w32(w, uint(v.metric, 32, 'SRV6_LOCATOR metric'))
    encodeTlvs(w, v.subTlvs ?? [], scope)
  },
}

export const srv6EndpointBehavior: BgpLsAttributeTlvCodec<'SRV6_ENDPOINT_BEHAVIOR'> = {
  code: 1250,
  name: 'SRV6_ENDPOINT_BEHAVIOR',
  decode(r) {
    valueLength(r, 'SRV6_ENDPOINT_BEHAVIOR', 4)
    const behavior = u16(r)
    const flags = readFlags(r, 8, NO_FLAG_NAMES)
    return { behavior, flags, algorithm: u8(r) }
  },
  size: () => 4,
  encode(w, v) {
    w16(w, uint(v.behavior, 16, 'SRV6_ENDPOINT_BEHAVIOR behavior'))
    writeFlags(w, v.flags, 8, NO_FLAG_NAMES, 'SRV6_ENDPOINT_BEHAVIOR flags')
    w8(w, uint(v.algorithm, 8, 'SRV6_ENDPOINT_BEHAVIOR algorithm'))
  },
}

export const srv6BgpPeerNodeSid: BgpLsAttributeTlvCodec<'SRV6_BGP_PEER_NODE_SID'> = {
  code: 1251,
  name: 'SRV6_BGP_PEER_NODE_SID',
  decode(r) {
    valueLength(r, 'SRV6_BGP_PEER_NODE_SID', 12)
    const flags = readFlags(r, 8, BGP_PEER_NODE_FLAG_NAMES)
    const weight = u8(r)
    const rsv = u16(r)
    return { flags, weight, ...reserved(rsv), peerAsn: u32(r), peerBgpId: readIPv4(r) }
  },
  size: () => 12,
  encode(w, v) {
    writeFlags(w, v.flags, 8, BGP_PEER_NODE_FLAG_NAMES, 'SRV6_BGP_PEER_NODE_SID flags')
    w8(w, uint(v.weight, 8, 'SRV6_BGP_PEER_NODE_SID weight'))
    w16(w, uint(v.reserved ?? 0, 16, 'SRV6_BGP_PEER_NODE_SID reserved'))
    w32(w, uint(v.peerAsn, 32, 'peer AS'))
    writeAddress(w, v.peerBgpId, 4)
  },
}

export const srv6SidStructure: BgpLsAttributeTlvCodec<'SRV6_SID_STRUCTURE'> = {
  code: 1252,
  name: 'SRV6_SID_STRUCTURE',
  decode(r) {
    valueLength(r, 'SRV6_SID_STRUCTURE', 4)
    const b = bytes(r, 4)
    return {
      locatorBlockLength: b[0]!,
      locatorNodeLength: b[1]!,
      functionLength: b[2]!,
      argumentLength: b[3]!,
    }
  },
  size: () => 4,
  encode(w, v) {
    w8(w, uint(v.locatorBlockLength, 8, 'locator block length'))
    w8(w, uint(v.locatorNodeLength, 8, 'locator node length'))
    w8(w, uint(v.functionLength, 8, 'function length'))
    w8(w, uint(v.argumentLength, 8, 'argument length'))
  },
}

export const SRV6_ATTRIBUTE_TLVS = [
  srv6Capabilities,
  endXTlv(1106, 'SRV6_END_X_SID', 0),
  endXTlv(1107, 'ISIS_SRV6_LAN_END_X_SID', 6),
  endXTlv(1108, 'OSPFV3_SRV6_LAN_END_X_SID', 4),
  srv6Locator,
  srv6EndpointBehavior,
  srv6BgpPeerNodeSid,
  srv6SidStructure,
] as const
