// ORIGIN, type 1, well-known mandatory (RFC 4271 §4.3, §5.1.1):
//
//   +--------------+
//   | Origin (1)   |  0 IGP, 1 EGP, 2 INCOMPLETE
//   +--------------+
//
// RFC 7606 §7.1: a length other than 1 or an undefined value is treat-as-withdraw.

import { u8 } from '../../wire/reader.ts'
import { w8 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec, Origin } from './types.ts'

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete']

export const origin: AttributeCodec<'ORIGIN'> = {
  code: 1,
  name: 'ORIGIN',
  flags: 0x40,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 1, 'ORIGIN')
    const at = r.pos
    const v = ORIGINS[u8(r)]
    if (!v)
      throw new CodecError(
        'NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE',
        `ORIGIN value ${r.buf[at]} undefined`,
        at,
      )
    return v
  },
  size: () => 1,
  encode: (w, v) => w8(w, ORIGINS.indexOf(v)),
}
