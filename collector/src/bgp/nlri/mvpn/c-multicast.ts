// The layout of the C-multicast routes, types 6 and 7 (RFC 6514 §4.6):
//
//   +-----------------------------------+
//   |      RD   (8 octets)              |
//   +-----------------------------------+
//   |    Source AS (4 octets)           |
//   +-----------------------------------+
//   | Multicast Source Length (1 octet) |
//   +-----------------------------------+
//   |  Multicast Source (variable)      |  the C-RP address for a Shared Tree Join
//   +-----------------------------------+
//   |  Multicast Group Length (1 octet) |
//   +-----------------------------------+
//   |  Multicast Group   (variable)     |
//   +-----------------------------------+

import { type Reader, u32 } from '../../../wire/reader.ts'
import { type Writer, w32 } from '../../../wire/writer.ts'
import { readRd, writeRd } from '../evpn/rd.ts'
import {
  readSourceGroup,
  type SourceGroup,
  sourceGroupKey,
  sourceGroupSize,
  writeSourceGroup,
} from './source-group.ts'

export interface CMulticastFields extends SourceGroup {
  readonly rd: string
  readonly sourceAs: number
}

export function readCMulticast(r: Reader): CMulticastFields {
  const rd = readRd(r)
  const sourceAs = u32(r)
  return { rd, sourceAs, ...readSourceGroup(r) }
}

export function cMulticastSize(v: CMulticastFields): number {
  return 12 + sourceGroupSize(v)
}

export function writeCMulticast(w: Writer, v: CMulticastFields): void {
  writeRd(w, v.rd)
  w32(w, v.sourceAs)
  writeSourceGroup(w, v)
}

export function cMulticastKey(v: CMulticastFields): string {
  return `${v.rd}:${v.sourceAs}:${sourceGroupKey(v)}`
}
