// AIGP, type 26, optional non-transitive (RFC 7311 §3):
//
//   +-----------+--------------+-------------------------------+
//   | Type (1)  | Length (2)   | Value                         |  TLVs; Length includes the 3-octet header
//   +-----------+--------------+-------------------------------+
//
// TLV type 1 is the accumulated IGP metric, 8 octets. RFC 7311 §3.2: a
// malformed AIGP attribute (TLV overrun, type 1 not 11 octets long, type 1
// twice) is ignored as if unrecognized: attribute-discard.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { bytes, take, u8, u16, u64 } from '../../wire/reader.ts'
import { w8, w16, w64, wbytes } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import type { AigpTlv, AttributeCodec } from './types.ts'

export const aigp: AttributeCodec<'AIGP'> = {
  code: 26,
  name: 'AIGP',
  flags: 0x80,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    const out: AigpTlv[] = []
    let seenMetric = false
    while (r.pos < r.end) {
      const at = r.pos
      const type = u8(r)
      const len = u16(r)
      if (len < 3)
        throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `AIGP TLV length ${len} < 3`, at)
      const v = take(r, len - 3, 'AIGP TLV')
      if (type === 1) {
        if (len !== 11 || seenMetric) {
          throw new CodecError(
            'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
            'AIGP metric TLV malformed or repeated',
            at,
          )
        }
        seenMetric = true
        out.push({ type: 1, metric: u64(v) })
      } else {
        out.push({ type, hex: toHex(bytes(v, v.end - v.pos)) })
      }
    }
    return out
  },
  size: (v) => v.reduce((n, t) => n + 3 + ('metric' in t ? 8 : t.hex.length / 2), 0),
  encode(w, v) {
    for (const t of v) {
      w8(w, t.type)
      if ('metric' in t) {
        w16(w, 11)
        w64(w, t.metric)
      } else {
        const b = hexOrThrow(t.hex, 'AIGP TLV')
        w16(w, 3 + b.length)
        wbytes(w, b)
      }
    }
  },
}
