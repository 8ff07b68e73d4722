// BGP Egress Peer Engineering SIDs (RFC 9086 §5), link attribute TLVs:
//
//   1101 Peer Node SID    1102 Peer Adjacency SID    1103 Peer Set SID
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V|L|B|P| Rsvd  |     Weight    |            Reserved           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   SID/Label/Index (3 or 4 octets)                             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   V value, L local, B backup, P persistent.

import { u8, u16 } from '../../../wire/reader.ts'
import { w8, w16 } from '../../../wire/writer.ts'
import { uint } from '../../nlri/bgp-ls/fields.ts'
import { valueLength } from '../../nlri/bgp-ls/tlv.ts'
import {
  type FlagNames,
  readFlags,
  readSidLabel,
  reserved,
  sidLabelSize,
  writeFlags,
  writeSidLabel,
} from './fields.ts'
import type { BgpLsAttributeTlvCodec, BgpLsPeerSid } from './types.ts'

export const PEER_SID_FLAG_NAMES: FlagNames = ['V', 'L', 'B', 'P']

function peerSidTlv<K extends 'PEER_NODE_SID' | 'PEER_ADJACENCY_SID' | 'PEER_SET_SID'>(
  type: number,
  name: K,
): BgpLsAttributeTlvCodec<K> {
  return {
    code: type,
    name,
    decode(r) {
      const len = valueLength(r, name, 7, 8)
      const flags = readFlags(r, 8, PEER_SID_FLAG_NAMES)
      const weight = u8(r)
      const rsv = u16(r)
      return { flags, weight, ...reserved(rsv), ...readSidLabel(r, len - 4) }
    },
    size: (v: BgpLsPeerSid) => 4 + sidLabelSize(v),
    encode(w, v: BgpLsPeerSid) {
      writeFlags(w, v.flags, 8, PEER_SID_FLAG_NAMES, `${name} flags`)
      w8(w, uint(v.weight, 8, `${name} weight`))
      w16(w, uint(v.reserved ?? 0, 16, `${name} reserved`))
      writeSidLabel(w, v)
    },
  } as BgpLsAttributeTlvCodec<K>
}

export const SR_EGRESS_ATTRIBUTE_TLVS = [
  peerSidTlv(1101, 'PEER_NODE_SID'),
  peerSidTlv(1102, 'PEER_ADJACENCY_SID'),
  peerSidTlv(1103, 'PEER_SET_SID'),
] as const
