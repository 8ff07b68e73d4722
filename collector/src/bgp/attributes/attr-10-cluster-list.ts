// CLUSTER_LIST, type 10, optional non-transitive (RFC 4456 §8):
//
//   +---------------------------+
//   | cluster id (4 octets)     |  repeated
//   +---------------------------+
//
// RFC 7606 §7.10: a length that is not a multiple of 4 is treat-as-withdraw.

import { formatIPv4 } from '../../wire/ip.ts'
import { bytes } from '../../wire/reader.ts'
import { wbytes } from '../../wire/writer.ts'
import { ipv4Bytes } from './ipv4.ts'
import { multipleLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const clusterList: AttributeCodec<'CLUSTER_LIST'> = {
  code: 10,
  name: 'CLUSTER_LIST',
  flags: 0x80,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    multipleLength(r, 4, 'CLUSTER_LIST')
    const out: string[] = []
    while (r.pos < r.end) out.push(formatIPv4(bytes(r, 4)))
    return out
  },
  size: (v) => 4 * v.length,
  encode(w, v) {
    for (const id of v) wbytes(w, ipv4Bytes(id))
  },
}
