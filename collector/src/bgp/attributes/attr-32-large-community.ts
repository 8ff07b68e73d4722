// LARGE_COMMUNITY, type 32, optional transitive (RFC 8092):
//
//   +-------------------------------------------------------------+
//   | Global Administrator (4) | Local Data 1 (4) | Local Data 2 (4)|  repeated
//   +-------------------------------------------------------------+
//
// Written "global:local1:local2". RFC 8092 §6: a length that is not a multiple
// of 12 is treat-as-withdraw (duplicates are tolerated and kept as sent).

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { multipleLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export function parseLargeCommunity(text: string): [number, number, number] | undefined {
  const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(text)
  if (!m) return undefined
  const v = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number]
  return v.every((x) => x <= 0xffffffff) ? v : undefined
}

export const largeCommunity: AttributeCodec<'LARGE_COMMUNITY'> = {
  code: 32,
  name: 'LARGE_COMMUNITY',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    multipleLength(r, 12, 'LARGE_COMMUNITY')
    const out: string[] = []
    while (r.pos < r.end) out.push(`${u32(r)}:${u32(r)}:${u32(r)}`)
    return out
  },
  size: (v) => 12 * v.length,
  encode(w, v) {
    for (const c of v) {
      const p = parseLargeCommunity(c)
      if (!p) throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not a large community: ${c}`, 0)
      for (const x of p) w32(w, x)
    }
  },
}
