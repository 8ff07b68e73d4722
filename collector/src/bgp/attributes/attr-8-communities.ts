// COMMUNITIES, type 8, optional transitive (RFC 1997):
//
//   +-----------------------------------+
//   | community (4 octets: AS, value)   |  repeated
//   +-----------------------------------+
//
// Each community is written "asn:value", except the well-known ones of the
// IANA "BGP Well-known Communities" registry, written by their IANA name.
// RFC 7606 §7.8: a length that is not a multiple of 4 is treat-as-withdraw.

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { multipleLength } from './length.ts'
import type { AttributeCodec } from './types.ts'

export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  GRACEFUL_SHUTDOWN: 0xffff0000, // RFC 8326
  ACCEPT_OWN: 0xffff0001, // RFC 7611
  ROUTE_FILTER_TRANSLATED_v4: 0xffff0002,
  ROUTE_FILTER_v4: 0xffff0003,
  ROUTE_FILTER_TRANSLATED_v6: 0xffff0004,
  ROUTE_FILTER_v6: 0xffff0005,
  LLGR_STALE: 0xffff0006, // RFC 9494
  NO_LLGR: 0xffff0007,
  ACCEPT_OWN_NEXTHOP: 0xffff0008,
  STANDBY_PE: 0xffff0009,
  BLACKHOLE: 0xffff029a, // RFC 7999
  NO_EXPORT: 0xffffff01, // RFC 1997
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
  NOPEER: 0xffffff04, // RFC 3765
}

const NAME_OF = new Map<number, string>(Object.entries(WELL_KNOWN_COMMUNITIES).map(([k, v]) => [v, k]))

export function formatCommunity(v: number): string {
  // Every well-known community is in 65535:*; only those need the name lookup.
  if (v >= 0xffff0000) {
    const name = NAME_OF.get(v)
    if (name) return name
  }
  return `${(v - (v & 0xffff)) / 65536}:${v & 0xffff}`
}

/** The 32-bit value of a community text ("65000:100" or a well-known name); undefined if malformed. */
export function parseCommunity(text: string): number | undefined {
  const named = WELL_KNOWN_COMMUNITIES[text]
  if (named !== undefined) return named
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text)
  if (!m) return undefined
  const hi = Number(m[1])
  const lo = Number(m[2])
  return hi <= 0xffff && lo <= 0xffff ? hi * 65536 + lo : undefined
}

export const communities: AttributeCodec<'COMMUNITIES'> = {
  code: 8,
  name: 'COMMUNITIES',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    multipleLength(r, 4, 'COMMUNITIES')
    const out = new Array<string>((r.end - r.pos) >> 2)
    for (let i = 0; i < out.length; i++) out[i] = formatCommunity(u32(r))
    return out
  },
  size: (v) => 4 * v.length,
  encode(w, v) {
    for (const c of v) {
      const n = parseCommunity(c)
      if (n === undefined)
        throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not a community: ${c}`, 0)
      w32(w, n)
    }
  },
}
