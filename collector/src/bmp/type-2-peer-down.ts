// Peer Down Notification, message type 2 (RFC 7854 §4.9, RFC 9069 §4.6):
//
//   +---------------------------------------------+
//   | Common header (6)  | Per-peer header (42)   |
//   +---------------------------------------------+
//   | Reason (1)                                  |
//   +---------------------------------------------+
//   | Data (present if Reason = 1, 2, 3 or 6)     |
//   +---------------------------------------------+
//
// Reasons 1 and 3: the NOTIFICATION PDU (sent by the local system, or by the
// remote one); 2: the FSM event code (2 octets, RFC 4271 §8.1); 4 and 5: no
// data; 6 (Loc-RIB instance closed): Information TLVs. Any other reason, or
// data where a reason defines none, is kept as raw octets.

import { type Reader, remaining, rest, u8, u16 } from '../wire/reader.ts'
import { type Writer, w8, w16, wbytes } from '../wire/writer.ts'
import { BMP_PEER_DOWN_REASON } from './constants.ts'
import { BmpError } from './errors.ts'
import { readBgpPdu } from './pdu.ts'
import { type BmpPeerHeader, decodePeerHeader, encodePeerHeader, peerHeaderSize } from './peer-header.ts'
import { type BmpTlv, decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'

export interface BmpPeerDown {
  readonly type: 'PEER_DOWN'
  readonly peer: BmpPeerHeader
  readonly reason: number
  /** Reasons 1 and 3: the NOTIFICATION message, header included. */
  readonly notification?: Uint8Array
  /** Reason 2: the FSM event that closed the session (RFC 4271 §8.1 numbering). */
  readonly fsmEvent?: number
  /** Reason 6: Information TLVs. */
  readonly information?: readonly BmpTlv[]
  /** Octets the reason does not define (an unknown reason's data, trailing octets). */
  readonly data?: Uint8Array
}

export function decodePeerDown(r: Reader): BmpPeerDown {
  const peer = decodePeerHeader(r)
  const reason = u8(r)
  const base = { type: 'PEER_DOWN' as const, peer, reason }
  let fields: Partial<BmpPeerDown> = {}
  switch (reason) {
    case BMP_PEER_DOWN_REASON.LOCAL_NOTIFICATION:
    case BMP_PEER_DOWN_REASON.REMOTE_NOTIFICATION:
      fields = { notification: readBgpPdu(r, 'Peer Down NOTIFICATION') }
      break
    case BMP_PEER_DOWN_REASON.LOCAL_NO_NOTIFICATION:
      fields = { fsmEvent: u16(r) }
      break
    case BMP_PEER_DOWN_REASON.LOCAL_SYSTEM_CLOSED_TLV:
      return { ...base, information: decodeTlvs(r) }
  }
  return remaining(r) ? { ...base, ...fields, data: rest(r) } : { ...base, ...fields }
}

export function peerDownSize(m: BmpPeerDown): number {
  return (
    peerHeaderSize() +
    1 +
    (m.notification?.length ?? 0) +
    (m.fsmEvent !== undefined ? 2 : 0) +
    (m.information ? tlvsSize(m.information) : 0) +
    (m.data?.length ?? 0)
  )
}

export function encodePeerDown(w: Writer, m: BmpPeerDown): void {
  encodePeerHeader(w, m.peer)
  w8(w, m.reason)
  const needsPdu =
    m.reason === BMP_PEER_DOWN_REASON.LOCAL_NOTIFICATION ||
    m.reason === BMP_PEER_DOWN_REASON.REMOTE_NOTIFICATION
  if (needsPdu && !m.notification)
    throw new BmpError('BMP.MALFORMED', `Peer Down reason ${m.reason} without its NOTIFICATION`, w.pos)
  if (m.notification) wbytes(w, m.notification)
  if (m.fsmEvent !== undefined) w16(w, m.fsmEvent)
  if (m.information) encodeTlvs(w, m.information)
  if (m.data) wbytes(w, m.data)
}
