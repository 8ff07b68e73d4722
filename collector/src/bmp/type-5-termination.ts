// Termination, message type 5 (RFC 7854 §4.5):
//
//   +---------------------------------------------+
//   | Common header (6)                           |
//   +---------------------------------------------+
//   | TLVs: String (0), Reason (1, 2 octets:      |
//   | 0 administratively closed, 1 unspecified,   |
//   | 2 out of resources, 3 redundant connection, |
//   | 4 permanently administratively closed)      |
//   +---------------------------------------------+
//
// The last message on a connection; the sender closes it after.

import type { Reader } from '../wire/reader.ts'
import type { Writer } from '../wire/writer.ts'
import { BMP_TERMINATION_TLV } from './constants.ts'
import { type BmpTlv, decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'

export interface BmpTermination {
  readonly type: 'TERMINATION'
  readonly information: readonly BmpTlv[]
}

/** The Reason TLV's value, when there is a well-formed one. */
export function terminationReason(m: BmpTermination): number | undefined {
  const t = m.information.find((x) => x.type === BMP_TERMINATION_TLV.REASON)
  return t && t.value.length === 2 ? (t.value[0]! << 8) | t.value[1]! : undefined
}

export function reasonTlv(reason: number): BmpTlv {
  return { type: BMP_TERMINATION_TLV.REASON, value: Uint8Array.of(reason >> 8, reason & 0xff) }
}

export function decodeTermination(r: Reader): BmpTermination {
  return { type: 'TERMINATION', information: decodeTlvs(r) }
}

export function terminationSize(m: BmpTermination): number {
  return tlvsSize(m.information)
}

export function encodeTermination(w: Writer, m: BmpTermination): void {
  encodeTlvs(w, m.information)
}
