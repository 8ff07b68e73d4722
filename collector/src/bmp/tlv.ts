// The TLVs of BMP messages (RFC 7854 §4.4, the same layout in Initiation,
// Termination, Peer Up, Peer Down reason 6 and Route Mirroring):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Information Type     |       Information Length      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 Information (variable)                        |
//   ~                                                               ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Values are kept as octets (a view into the input when decoded): what they
// mean depends on the message, and the message files read the ones they
// define. The string types are UTF-8 (RFC 7854 §4.4: "not NULL terminated").

import { bytes, type Reader, remaining, u16 } from '../wire/reader.ts'
import { type Writer, w16, wbytes } from '../wire/writer.ts'
import { BmpError } from './errors.ts'

export interface BmpTlv {
  readonly type: number
  readonly value: Uint8Array
}

const utf8 = new TextDecoder('utf-8')
const encoder = new TextEncoder()

export function textTlv(type: number, text: string): BmpTlv {
  return { type, value: encoder.encode(text) }
}

export function tlvText(t: BmpTlv): string {
  return utf8.decode(t.value)
}

/** TLVs up to the end of the reader. */
export function decodeTlvs(r: Reader): BmpTlv[] {
  const out: BmpTlv[] = []
  while (remaining(r) > 0) {
    if (remaining(r) < 4)
      throw new BmpError('BMP.MALFORMED', `${remaining(r)} octets left, short of a TLV header`, r.pos)
    const type = u16(r)
    const length = u16(r)
    if (length > remaining(r))
      throw new BmpError(
        'BMP.MALFORMED',
        `TLV type ${type} of ${length} octets, ${remaining(r)} left`,
        r.pos - 2,
      )
    out.push({ type, value: bytes(r, length) })
  }
  return out
}

export function tlvsSize(list: readonly BmpTlv[]): number {
  let n = 0
  for (const t of list) n += 4 + t.value.length
  return n
}

export function encodeTlvs(w: Writer, list: readonly BmpTlv[]): void {
  for (const t of list) {
    if (t.value.length > 0xffff) throw new BmpError('BMP.MALFORMED', `TLV of ${t.value.length} octets`, w.pos)
    w16(w, t.type)
    w16(w, t.value.length)
    wbytes(w, t.value)
  }
}
