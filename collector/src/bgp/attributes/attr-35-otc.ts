// OTC (Only to Customer), type 35, optional transitive (RFC 9234 §5):
//
//   +---------------------------+
//   | AS number (4 octets)      |
//   +---------------------------+
//
// RFC 9234 §5: a length other than 4 is treat-as-withdraw.

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const otc: AttributeCodec<'OTC'> = {
  code: 35,
  name: 'OTC',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 4, 'OTC')
    return u32(r)
  },
  size: () => 4,
  encode: (w, v) => w32(w, v),
}
