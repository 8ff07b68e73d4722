// A family the codec does not decode (yet): its NLRI field is carried whole as
// hex, one entry per attribute, since without the family's syntax the
// individual NLRI cannot be delimited. Nothing is lost; sinks store it as is.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { rest } from '../../wire/reader.ts'
import { wbytes } from '../../wire/writer.ts'
import { familyName } from '../family.ts'
import type { FamilyCodec, RawNlri } from './types.ts'

export function rawFamily(afi: number, safi: number): FamilyCodec<RawNlri> {
  return {
    afi,
    safi,
    name: familyName(afi, safi),
    nextHop: 'any',
    opaque: true,
    decode: (r) => ({ raw: toHex(rest(r)) }),
    size: (n) => n.raw.length / 2,
    encode: (w, n) => wbytes(w, hexOrThrow(n.raw, 'raw NLRI')),
    key: (n) => n.raw,
  }
}
