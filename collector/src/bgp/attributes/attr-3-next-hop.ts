// NEXT_HOP, type 3, well-known mandatory for the IPv4 NLRI field (RFC 4271
// §4.3, §5.1.3; RFC 4760 makes it optional when only MP_REACH_NLRI is used):
//
//   +---------------------------+
//   | IPv4 address (4 octets)   |
//   +---------------------------+
//
// RFC 7606 §7.3: a length other than 4 is treat-as-withdraw. Whether the
// address is usable (a martian, our own address) is the session's question.

import { formatIPv4 } from '../../wire/ip.ts'
import { wbytes } from '../../wire/writer.ts'
import { ipv4Bytes } from './ipv4.ts'
import { exactLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const nextHop: AttributeCodec<'NEXT_HOP'> = {
  code: 3,
  name: 'NEXT_HOP',
  flags: 0x40,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
  decode(r) {
    exactLength(r, 4, 'NEXT_HOP')
    r.pos += 4
    return formatIPv4(r.buf, r.pos - 4)
  },
  size: () => 4,
  encode: (w, v) => wbytes(w, ipv4Bytes(v)),
}
