// LOCAL_PREF, type 5, well-known (iBGP only) (RFC 4271 §4.3, §5.1.5):
//
//   +---------------------------+
//   | LOCAL_PREF (4 octets)     |
//   +---------------------------+
//
// RFC 7606 §7.5: a length other than 4 is treat-as-withdraw. (Receiving it
// from an external peer is attribute-discard; that is the session's call.)

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const localPref: AttributeCodec<'LOCAL_PREF'> = {
  code: 5,
  name: 'LOCAL_PREF',
  flags: 0x40,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 4, 'LOCAL_PREF')
    return u32(r)
  },
  size: () => 4,
  encode: (w, v) => w32(w, v),
}
