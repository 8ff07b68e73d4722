// SR Policy, SAFI 73, AFI 1 and 2 (RFC 9830 §2.1):
//
//   +-----------------------------------------------+
//   | NLRI Length (1 octet, bits): 96 or 192        |
//   +-----------------------------------------------+
//   | Distinguisher (4 octets)                      |
//   +-----------------------------------------------+
//   | Policy Color (4 octets)                       |
//   +-----------------------------------------------+
//   | Endpoint (4 or 16 octets, by the AFI)         |
//   +-----------------------------------------------+
//
// The candidate path itself travels in the Tunnel Encapsulation attribute
// (attr-23, tunnel type 15). RFC 9830 §2.1: any other length is a malformed
// NLRI; inside MP_REACH/MP_UNREACH that is RFC 7606 §5.3 AFI/SAFI disable.

import { formatIP, parseIP } from '../../wire/ip.ts'
import { bytes, u8, u32 } from '../../wire/reader.ts'
import { w8, w32, wbytes } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import type { FamilyCodec } from './types.ts'

export interface SrPolicyNlri {
  readonly distinguisher: number
  readonly color: number
  readonly endpoint: string
  readonly pathId?: number
}

export function srPolicyFamily(afi: 1 | 2, name: string): FamilyCodec<SrPolicyNlri> {
  const width = afi === 1 ? 4 : 16
  const bits = 64 + 8 * width
  return {
    afi,
    safi: 73,
    name,
    nextHop: 'ip',
    decode(r, pathId) {
      const length = u8(r)
      if (length !== bits) {
        throw new CodecError(
          'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
          `SR Policy NLRI length ${length} bits, expected ${bits}`,
          r.pos - 1,
        )
      }
      const distinguisher = u32(r)
      const color = u32(r)
      const endpoint = formatIP(bytes(r, width), 0, width)
      return { distinguisher, color, endpoint, pathId }
    },
    size: () => 1 + 8 + width,
    encode(w, n) {
      const address = parseIP(n.endpoint)
      if (!address || address.length !== width) {
        throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `SR Policy endpoint ${n.endpoint}`, w.pos)
      }
      w8(w, bits)
      w32(w, n.distinguisher)
      w32(w, n.color)
      wbytes(w, address)
    },
    key: (n) => `${n.distinguisher}:${n.color}:${n.endpoint}`,
  }
}
