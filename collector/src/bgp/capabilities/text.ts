// Length-prefixed UTF-8 strings inside capability values (FQDN, software version).

import { bytes, type Reader, u8 } from '../../wire/reader.ts'
import { type Writer, w8, wbytes } from '../../wire/writer.ts'

const decoder = new TextDecoder('utf-8', { fatal: false })
const encoder = new TextEncoder()

export function readShortString(r: Reader): string {
  return decoder.decode(bytes(r, u8(r)))
}

export function shortStringSize(s: string): number {
  return 1 + encoder.encode(s).length
}

export function writeShortString(w: Writer, s: string): void {
  const b = encoder.encode(s)
  w8(w, b.length)
  wbytes(w, b)
}
