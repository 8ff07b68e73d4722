// ORIGINATOR_ID, type 9, optional non-transitive (RFC 4456 §8):
//
//   +---------------------------+
//   | router id (4 octets)      |
//   +---------------------------+
//
// RFC 7606 §7.9: a length other than 4 is treat-as-withdraw.

import { formatIPv4 } from '../../wire/ip.ts'
import { bytes } from '../../wire/reader.ts'
import { wbytes } from '../../wire/writer.ts'
import { ipv4Bytes } from './ipv4.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const originatorId: AttributeCodec<'ORIGINATOR_ID'> = {
  code: 9,
  name: 'ORIGINATOR_ID',
  flags: 0x80,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 4, 'ORIGINATOR_ID')
    return formatIPv4(bytes(r, 4))
  },
  size: () => 4,
  encode: (w, v) => wbytes(w, ipv4Bytes(v)),
}
