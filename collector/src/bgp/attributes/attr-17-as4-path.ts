// AS4_PATH, type 17, optional transitive (RFC 6793 §3): an AS_PATH with
// 4-octet ASNs, sent alongside a 2-octet AS_PATH by speakers that talk to
// 2-octet-only peers; see as4-merge.ts for how the two combine.
// RFC 6793 §6 / RFC 7606 §7.13: a malformed AS4_PATH is attribute-discard.

import { decodeSegments, encodeSegments, segmentsSize } from './attr-2-as-path.ts'
import type { AttributeCodec } from './types.ts'

export const as4Path: AttributeCodec<'AS4_PATH'> = {
  code: 17,
  name: 'AS4_PATH',
  flags: 0xc0,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: (r) => decodeSegments(r, true, 'AS4_PATH'),
  size: (v) => segmentsSize(v, true),
  encode: (w, v) => encodeSegments(w, v, true),
}
