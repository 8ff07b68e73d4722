// AS4_AGGREGATOR, type 18, optional transitive (RFC 6793 §3): AGGREGATOR with a
// 4-octet AS (8 octets). RFC 6793 §6 / RFC 7606 §7.14: a length other than 8 is
// attribute-discard.

import { decodeAggregator, encodeAggregator } from './attr-7-aggregator.ts'
import type { AttributeCodec } from './types.ts'

export const as4Aggregator: AttributeCodec<'AS4_AGGREGATOR'> = {
  code: 18,
  name: 'AS4_AGGREGATOR',
  flags: 0xc0,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode: (r) => decodeAggregator(r, true, 'AS4_AGGREGATOR'),
  size: () => 8,
  encode: (w, v) => encodeAggregator(w, v, true),
}
