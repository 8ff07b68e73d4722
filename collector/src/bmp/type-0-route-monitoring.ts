// Route Monitoring, message type 0 (RFC 7854 §4.6):
//
//   +---------------------------------------------+
//   | Common header (6)  | Per-peer header (42)   |
//   +---------------------------------------------+
//   | BGP UPDATE PDU (a whole BGP message)        |
//   +---------------------------------------------+
//
// The UPDATE is laid out as the per-peer header's A flag says (2- or
// 4-octet AS_PATH) and with path identifiers where the Peer Up OPENs
// negotiated ADD-PATH. Octets after the PDU (drafts put TLVs there) are
// kept as they are.

import { type Reader, remaining, rest } from '../wire/reader.ts'
import { type Writer, wbytes } from '../wire/writer.ts'
import { readBgpPdu } from './pdu.ts'
import { type BmpPeerHeader, decodePeerHeader, encodePeerHeader, peerHeaderSize } from './peer-header.ts'

export interface BmpRouteMonitoring {
  readonly type: 'ROUTE_MONITORING'
  readonly peer: BmpPeerHeader
  /** The BGP UPDATE message, header included. */
  readonly update: Uint8Array
  /** Octets after the PDU within the message, if any. */
  readonly trailing?: Uint8Array
}

export function decodeRouteMonitoring(r: Reader): BmpRouteMonitoring {
  const peer = decodePeerHeader(r)
  const update = readBgpPdu(r, 'Route Monitoring')
  if (remaining(r) === 0) return { type: 'ROUTE_MONITORING', peer, update }
  return { type: 'ROUTE_MONITORING', peer, update, trailing: rest(r) }
}

export function routeMonitoringSize(m: BmpRouteMonitoring): number {
  return peerHeaderSize() + m.update.length + (m.trailing?.length ?? 0)
}

export function encodeRouteMonitoring(w: Writer, m: BmpRouteMonitoring): void {
  encodePeerHeader(w, m.peer)
  wbytes(w, m.update)
  if (m.trailing) wbytes(w, m.trailing)
}
