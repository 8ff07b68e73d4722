// AS_PATH, type 2, well-known mandatory (RFC 4271 §4.3, RFC 5065, RFC 6793):
//
//   +--------------+--------------+-----------------------------+
//   | Seg type (1) | Seg len (1)  | ASNs (2 or 4 octets each)   |  repeated
//   +--------------+--------------+-----------------------------+
//
// Segment types: 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET.
// ASNs are 4 octets when the session negotiated 4-octet AS (ctx.asn4), and in
// AS4_PATH always. RFC 7606 §7.2: an unknown segment type, a segment of length
// zero, an overrun or a one-octet underrun make the path malformed:
// treat-as-withdraw.

import { type Reader, u8, u16, u32 } from '../../wire/reader.ts'
import { type Writer, w8, w16, w32 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import type { AsPathSegment, AsPathSegmentType, AttributeCodec } from './types.ts'

const SEGMENT_TYPES: readonly (AsPathSegmentType | undefined)[] = [
  undefined,
  'AS_SET',
  'AS_SEQUENCE',
  'AS_CONFED_SEQUENCE',
  'AS_CONFED_SET',
]

export function decodeSegments(r: Reader, asn4: boolean, name: string): AsPathSegment[] {
  const out: AsPathSegment[] = []
  const width = asn4 ? 4 : 2
  while (r.pos < r.end) {
    const at = r.pos
    if (r.end - r.pos < 2) {
      throw new CodecError(
        'NOTIFY.UPDATE.MALFORMED_AS_PATH',
        `${name}: one octet left for a segment header`,
        at,
      )
    }
    const typeCode = u8(r)
    const count = u8(r)
    const type = SEGMENT_TYPES[typeCode]
    if (!type)
      throw new CodecError('NOTIFY.UPDATE.MALFORMED_AS_PATH', `${name}: segment type ${typeCode}`, at)
    if (count === 0) throw new CodecError('NOTIFY.UPDATE.MALFORMED_AS_PATH', `${name}: empty segment`, at)
    if (r.pos + count * width > r.end) {
      throw new CodecError(
        'NOTIFY.UPDATE.MALFORMED_AS_PATH',
        `${name}: segment of ${count} ASNs overruns`,
        at,
      )
    }
    const asns = new Array<number>(count)
    for (let i = 0; i < count; i++) asns[i] = asn4 ? u32(r) : u16(r)
    out.push({ type, asns })
  }
  return out
}

export function segmentsSize(v: readonly AsPathSegment[], asn4: boolean): number {
  let n = 0
  for (const s of v) n += 2 + s.asns.length * (asn4 ? 4 : 2)
  return n
}

export function encodeSegments(w: Writer, v: readonly AsPathSegment[], asn4: boolean): void {
  for (const s of v) {
    w8(w, SEGMENT_TYPES.indexOf(s.type))
    w8(w, s.asns.length)
    for (const a of s.asns) {
      if (asn4) w32(w, a)
      else w16(w, a)
    }
  }
}

export const asPath: AttributeCodec<'AS_PATH'> = {
  code: 2,
  name: 'AS_PATH',
  flags: 0x40,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.MALFORMED_AS_PATH',
  decode: (r, ctx) => decodeSegments(r, ctx.asn4, 'AS_PATH'),
  size: (v, ctx) => segmentsSize(v, ctx.asn4),
  encode: (w, v, ctx) => encodeSegments(w, v, ctx.asn4),
}
