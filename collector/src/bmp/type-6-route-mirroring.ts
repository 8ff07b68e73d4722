// Route Mirroring, message type 6 (RFC 7854 §4.7):
//
//   +---------------------------------------------+
//   | Common header (6)  | Per-peer header (42)   |
//   +---------------------------------------------+
//   | TLVs: BGP Message (0, a whole BGP PDU as    |
//   | received), Information (1, 2 octets:        |
//   | 0 errored PDU, 1 messages lost)             |
//   +---------------------------------------------+
//
// A mirrored PDU may be malformed (that is often why it is mirrored), so it
// is kept as the TLV's octets; mirroredMessage() finds it.

import type { Reader } from '../wire/reader.ts'
import type { Writer } from '../wire/writer.ts'
import { BMP_MIRRORING_TLV } from './constants.ts'
import { type BmpPeerHeader, decodePeerHeader, encodePeerHeader, peerHeaderSize } from './peer-header.ts'
import { type BmpTlv, decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'

export interface BmpRouteMirroring {
  readonly type: 'ROUTE_MIRRORING'
  readonly peer: BmpPeerHeader
  readonly tlvs: readonly BmpTlv[]
}

/** The first mirrored BGP message, if any. */
export function mirroredMessage(m: BmpRouteMirroring): Uint8Array | undefined {
  return m.tlvs.find((t) => t.type === BMP_MIRRORING_TLV.BGP_MESSAGE)?.value
}

/** The Information TLV's code (0 errored PDU, 1 messages lost), if any. */
export function mirroringInformation(m: BmpRouteMirroring): number | undefined {
  const t = m.tlvs.find((x) => x.type === BMP_MIRRORING_TLV.INFORMATION)
  return t && t.value.length === 2 ? (t.value[0]! << 8) | t.value[1]! : undefined
}

export function decodeRouteMirroring(r: Reader): BmpRouteMirroring {
  const peer = decodePeerHeader(r)
  return { type: 'ROUTE_MIRRORING', peer, tlvs: decodeTlvs(r) }
}

export function routeMirroringSize(m: BmpRouteMirroring): number {
  return peerHeaderSize() + tlvsSize(m.tlvs)
}

export function encodeRouteMirroring(w: Writer, m: BmpRouteMirroring): void {
  encodePeerHeader(w, m.peer)
  encodeTlvs(w, m.tlvs)
}
