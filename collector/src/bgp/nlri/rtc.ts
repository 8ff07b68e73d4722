// Route Target membership, AFI 1 SAFI 132 (RFC 4684 §4):
//
//   +-------------------------------+
//   | Length (1 octet): 0 or 32..96 |  bits of what follows
//   +-------------------------------+
//   | Origin AS (4 octets)          |
//   +-------------------------------+
//   | Route Target (8 octets)       |  a prefix of it: only the first length-32 bits are sent
//   +-------------------------------+
//
// `length` is the wire length (0 is the default route target, matching all).
// `routeTarget` is the route target as "admin:assigned" (wire/rd.ts text) when
// its type and subtype octets are present and name a route target (types 0x00,
// 0x01, 0x02 with subtype 0x02; absent octets read as zero), otherwise "0x" and
// the hex of the octets present.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { formatAdminAssigned, parseAdminAssigned } from '../../wire/rd.ts'
import { bytes, u8, u32 } from '../../wire/reader.ts'
import { w8, w32, wbytes } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import type { FamilyCodec } from './types.ts'

export interface RtcNlri {
  readonly length: number
  readonly originAs?: number
  readonly routeTarget?: string
  readonly pathId?: number
}

function rtText(present: Uint8Array): string {
  if (present.length >= 2 && present[0]! <= 2 && present[1] === 0x02) {
    const full = new Uint8Array(8)
    full.set(present)
    return formatAdminAssigned(full[0]!, full, 2)!
  }
  return `0x${toHex(present)}`
}

function rtBytes(text: string, octets: number): Uint8Array {
  let full: Uint8Array
  if (text.startsWith('0x')) full = hexOrThrow(text.slice(2), 'route target')
  else {
    const v = parseAdminAssigned(text)
    if (!v) throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `not a route target: ${text}`, 0)
    full = new Uint8Array(8)
    full[0] = v.type
    full[1] = 0x02
    full.set(v.bytes, 2)
  }
  const out = new Uint8Array(octets)
  out.set(full.subarray(0, octets))
  return out
}

export const rtcFamily: FamilyCodec<RtcNlri> = {
  afi: 1,
  safi: 132,
  name: 'ipv4-rtc',
  nextHop: 'ip',
  decode(r, pathId) {
    const length = u8(r)
    if (length === 0) return { length, pathId }
    if (length < 32 || length > 96) {
      throw new CodecError(
        'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        `RT membership length ${length} not 0 or 32..96`,
        r.pos - 1,
      )
    }
    const originAs = u32(r)
    const present = bytes(r, (length - 32 + 7) >> 3)
    return { length, originAs, routeTarget: rtText(present), pathId }
  },
  size: (n) => (n.length === 0 ? 1 : 1 + 4 + ((n.length - 32 + 7) >> 3)),
  encode(w, n) {
    w8(w, n.length)
    if (n.length === 0) return
    w32(w, n.originAs ?? 0)
    wbytes(w, rtBytes(n.routeTarget ?? '0x', (n.length - 32 + 7) >> 3))
  },
  key: (n) => (n.length === 0 ? 'default' : `${n.originAs}:${n.routeTarget}/${n.length}`),
}
