// MULTI_EXIT_DISC, type 4, optional non-transitive (RFC 4271 §4.3, §5.1.4):
//
//   +---------------------------+
//   | MED (4 octets, unsigned)  |
//   +---------------------------+
//
// RFC 7606 §7.4: a length other than 4 is treat-as-withdraw.

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const multiExitDisc: AttributeCodec<'MULTI_EXIT_DISC'> = {
  code: 4,
  name: 'MULTI_EXIT_DISC',
  flags: 0x80,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 4, 'MULTI_EXIT_DISC')
    return u32(r)
  },
  size: () => 4,
  encode: (w, v) => w32(w, v),
}
