// Node descriptors (RFC 9552 §5.2.1, RFC 9086 §4.1): the Local (256) and
// Remote (257) Node Descriptors TLVs, each a list of sub-TLVs:
//
//   512 Autonomous System        4 octets
//   513 BGP-LS Identifier        4 octets (deprecated by RFC 9552, still sent)
//   514 OSPF Area-ID             4 octets
//   515 IGP Router-ID            4, 6, 7 or 8 octets (16: an IPv6 router ID)
//   516 BGP Router-ID            4 octets (RFC 9086)
//   517 Member-ASN               4 octets (RFC 9086, confederations)
//
// IGP Router-ID by length (RFC 9552 §5.2.1.4):
//
//   4  OSPF Router-ID
//   6  IS-IS non-pseudonode: ISO System-ID
//   7  IS-IS pseudonode: ISO System-ID + PSN identifier (1)
//   8  OSPF pseudonode: DR's Router-ID + DR's interface address (OSPFv2)
//      or interface ID (OSPFv3)

import { type Reader, u8, u32 } from '../../../wire/reader.ts'
import { w8, w32 } from '../../../wire/writer.ts'
import {
  addressTlv,
  readIPv4,
  readIPv6,
  readSystemId,
  u32Tlv,
  uint,
  writeAddress,
  writeSystemId,
} from './fields.ts'
import { decodeTlvs, encodeTlvs, malformed, tlvsSize, valueLength } from './tlv.ts'
import type { BgpLsDescriptorCodec, BgpLsDescriptorTlv, BgpLsIgpRouterId, BgpLsTlvScope } from './types.ts'

const OSPFV3 = 6

function nodeDescriptors<K extends 'LOCAL_NODE_DESCRIPTORS' | 'REMOTE_NODE_DESCRIPTORS'>(
  type: number,
  name: K,
): BgpLsDescriptorCodec<K> {
  return {
    code: type,
    name,
    decode: (r, scope) => decodeTlvs<BgpLsDescriptorTlv>(r, scope),
    size: (v, scope) => tlvsSize(v, scope),
    encode: (w, v, scope) => encodeTlvs(w, v, scope),
  } as BgpLsDescriptorCodec<K>
}

export const igpRouterId: BgpLsDescriptorCodec<'IGP_ROUTER_ID'> = {
  code: 515,
  name: 'IGP_ROUTER_ID',
  decode(r: Reader, scope: BgpLsTlvScope): BgpLsIgpRouterId {
    switch (valueLength(r, 'IGP_ROUTER_ID', 4, 6, 7, 8, 16)) {
      case 4:
        return { routerId: readIPv4(r) }
      case 6:
        return { isoSystemId: readSystemId(r) }
      case 7:
        return { isoSystemId: readSystemId(r), psnId: u8(r) }
      case 8: {
        const routerId = readIPv4(r)
        return scope.protocolId === OSPFV3
          ? { routerId, drInterfaceId: u32(r) }
          : { routerId, drInterfaceAddress: readIPv4(r) }
      }
      default:
        return { routerId: readIPv6(r) }
    }
  },
  size(v) {
    if ('isoSystemId' in v) return 'psnId' in v ? 7 : 6
    if ('drInterfaceAddress' in v || 'drInterfaceId' in v) return 8
    return v.routerId.includes(':') ? 16 : 4
  },
  encode(w, v) {
    if ('isoSystemId' in v) {
      writeSystemId(w, v.isoSystemId)
      if ('psnId' in v) w8(w, uint(v.psnId, 8, 'PSN identifier'))
      return
    }
    if ('drInterfaceAddress' in v) {
      writeAddress(w, v.routerId, 4)
      writeAddress(w, v.drInterfaceAddress, 4)
    } else if ('drInterfaceId' in v) {
      writeAddress(w, v.routerId, 4)
      w32(w, uint(v.drInterfaceId, 32, 'DR interface ID'))
    } else if (typeof v.routerId === 'string') {
      writeAddress(w, v.routerId)
    } else {
      throw malformed('IGP_ROUTER_ID without a router ID or System-ID')
    }
  },
}

export const NODE_DESCRIPTOR_TLVS = [
  nodeDescriptors(256, 'LOCAL_NODE_DESCRIPTORS'),
  nodeDescriptors(257, 'REMOTE_NODE_DESCRIPTORS'),
  u32Tlv(512, 'AUTONOMOUS_SYSTEM'),
  u32Tlv(513, 'BGP_LS_IDENTIFIER'),
  addressTlv(514, 'OSPF_AREA_ID', 4),
  igpRouterId,
  addressTlv(516, 'BGP_ROUTER_ID', 4),
  u32Tlv(517, 'MEMBER_ASN'),
] as const
