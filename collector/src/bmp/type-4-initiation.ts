// Initiation, message type 4 (RFC 7854 §4.3):
//
//   +---------------------------------------------+
//   | Common header (6)                           |
//   +---------------------------------------------+
//   | Information TLVs: sysDescr (1) and sysName  |
//   | (2) are required, String (0) may repeat     |
//   +---------------------------------------------+
//
// Sent first on every connection to a station. The TLVs are kept in order;
// a missing sysDescr or sysName is the sender's fault, not a decode error
// (stations accept it, and so do we).

import type { Reader } from '../wire/reader.ts'
import type { Writer } from '../wire/writer.ts'
import { type BmpTlv, decodeTlvs, encodeTlvs, tlvsSize } from './tlv.ts'

export interface BmpInitiation {
  readonly type: 'INITIATION'
  readonly information: readonly BmpTlv[]
}

export function decodeInitiation(r: Reader): BmpInitiation {
  return { type: 'INITIATION', information: decodeTlvs(r) }
}

export function initiationSize(m: BmpInitiation): number {
  return tlvsSize(m.information)
}

export function encodeInitiation(w: Writer, m: BmpInitiation): void {
  encodeTlvs(w, m.information)
}
