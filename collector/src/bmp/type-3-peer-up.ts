// Peer Up Notification, message type 3 (RFC 7854 §4.10):
//
//   +---------------------------------------------+
//   | Common header (6)  | Per-peer header (42)   |
//   +---------------------------------------------+
//   |                 Local Address (16 bytes)    |
//   +---------------------------------------------+
//   | Local Port (2)     | Remote Port (2)        |
//   +---------------------------------------------+
//   |             Sent OPEN Message               |
//   +---------------------------------------------+
//   |           Received OPEN Message             |
//   +---------------------------------------------+
//   |        Information (variable, TLVs)         |
//   +---------------------------------------------+
//
// The OPENs are whole BGP messages: the monitored router's and its peer's.
// From them a station knows the session's terms: 4-octet AS, ADD-PATH per
// family (RFC 7911 §4), extended messages. The local address is IPv4 (12 zero
// octets, then 4) when the peer's address is (the per-peer V flag clear).

import { type Reader, u16 } from '../wire/reader.ts'
import { type Writer, w16, wbytes } from '../wire/writer.ts'
import { BMP_PEER_FLAG, BMP_PEER_TYPE } from './constants.ts'
import { readBgpPdu } from './pdu.ts'
import {
  type BmpPeerHeader,
  decodePeerHeader,
  encodePeerHeader,
  peerHeaderSize,
  readAddress16,
  writeAddress16,
} from './peer-header.ts'
import { type BmpTlv, decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'

export interface BmpPeerUp {
  readonly type: 'PEER_UP'
  readonly peer: BmpPeerHeader
  readonly localAddress: string
  readonly localPort: number
  readonly remotePort: number
  /** The OPEN the monitored router sent, header included. */
  readonly sentOpen: Uint8Array
  /** The OPEN it received from the peer. */
  readonly receivedOpen: Uint8Array
  readonly information: readonly BmpTlv[]
}

export function decodePeerUp(r: Reader): BmpPeerUp {
  const peer = decodePeerHeader(r)
  const v4 = peer.peerType === BMP_PEER_TYPE.LOC_RIB_INSTANCE || (peer.flags & BMP_PEER_FLAG.V) === 0
  const localAddress = readAddress16(r, v4)
  const localPort = u16(r)
  const remotePort = u16(r)
  const sentOpen = readBgpPdu(r, 'Peer Up sent OPEN')
  const receivedOpen = readBgpPdu(r, 'Peer Up received OPEN')
  const information = decodeTlvs(r)
  return { type: 'PEER_UP', peer, localAddress, localPort, remotePort, sentOpen, receivedOpen, information }
}

export function peerUpSize(m: BmpPeerUp): number {
  return peerHeaderSize() + 20 + m.sentOpen.length + m.receivedOpen.length + tlvsSize(m.information)
}

export function encodePeerUp(w: Writer, m: BmpPeerUp): void {
  encodePeerHeader(w, m.peer)
  writeAddress16(w, m.localAddress, w.pos)
  w16(w, m.localPort)
  w16(w, m.remotePort)
  wbytes(w, m.sentOpen)
  wbytes(w, m.receivedOpen)
  encodeTlvs(w, m.information)
}
