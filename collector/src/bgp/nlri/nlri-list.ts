// A field of NLRI (withdrawn routes, NLRI, the tail of MP_REACH/MP_UNREACH):
// each entry optionally preceded by a 4-octet ADD-PATH path identifier
// (RFC 7911 §3), then the family's own encoding.

import { type Reader, u32 } from '../../wire/reader.ts'
import { type Writer, w32 } from '../../wire/writer.ts'
import type { FamilyCodec, Nlri } from './types.ts'

export function decodeNlriList<N extends Nlri>(
  family: FamilyCodec<N>,
  r: Reader,
  addPath: boolean,
  withdraw: boolean,
  out: N[] = [],
): N[] {
  if (family.opaque) {
    if (r.pos < r.end) out.push(family.decode(r, undefined, withdraw))
    return out
  }
  while (r.pos < r.end) {
    const pathId = addPath ? u32(r) : undefined
    out.push(family.decode(r, pathId, withdraw))
  }
  return out
}

export function nlriListSize<N extends Nlri>(
  family: FamilyCodec<N>,
  list: readonly N[],
  addPath: boolean,
): number {
  let n = 0
  for (const x of list) n += family.size(x) + (addPath && !family.opaque ? 4 : 0)
  return n
}

export function encodeNlriList<N extends Nlri>(
  family: FamilyCodec<N>,
  w: Writer,
  list: readonly N[],
  addPath: boolean,
): void {
  for (const x of list) {
    if (addPath && !family.opaque) w32(w, x.pathId ?? 0)
    family.encode(w, x)
  }
}
