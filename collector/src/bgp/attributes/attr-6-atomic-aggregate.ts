// ATOMIC_AGGREGATE, type 6, well-known discretionary, no value (RFC 4271 §5.1.6).
// RFC 7606 §7.6: a non-zero length is attribute-discard.

import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const atomicAggregate: AttributeCodec<'ATOMIC_AGGREGATE'> = {
  code: 6,
  name: 'ATOMIC_AGGREGATE',
  flags: 0x40,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 0, 'ATOMIC_AGGREGATE')
    return true
  },
  size: () => 0,
  encode: () => {},
}
