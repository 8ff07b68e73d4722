// The route distinguisher that opens most typed NLRI (RFC 4364 §4.2), as text
// (wire/rd.ts): read from 8 octets, written back from the text.

import { formatRD } from '../../../wire/rd.ts'
import { bytes, type Reader } from '../../../wire/reader.ts'
import { type Writer, wbytes } from '../../../wire/writer.ts'
import { rdBytes } from '../vpn.ts'

export function readRd(r: Reader): string {
  return formatRD(bytes(r, 8), 0)
}

export function writeRd(w: Writer, rd: string): void {
  wbytes(w, rdBytes(rd))
}
