// Length-prefixed UTF-8 strings inside capability values (FQDN, software version).

import { bytes, type Reader, u8, WireError } from '../../wire/reader.ts'
import { type Writer, w8, wbytes } from '../../wire/writer.ts'

// Fatal: text that is not UTF-8 would come back as U+FFFD and encode to other
// octets; it is refused instead, so the capability is kept as MALFORMED octets.
const decoder = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

export function readShortString(r: Reader): string {
  const at = r.pos
  const b = bytes(r, u8(r))
  try {
    return decoder.decode(b)
  } catch {
    throw new WireError('invalid', at, `text at offset ${at} is not UTF-8`)
  }
}

export function shortStringSize(s: string): number {
  return 1 + encoder.encode(s).length
}

export function writeShortString(w: Writer, s: string): void {
  const b = encoder.encode(s)
  w8(w, b.length)
  wbytes(w, b)
}
