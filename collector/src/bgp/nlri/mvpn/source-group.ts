// The (C-S, C-G) pair of MCAST-VPN routes 3, 5, 6 and 7 (RFC 6514 §4.3, §4.5,
// §4.6):
//
//   +-----------------------------------+
//   |   Multicast Source Length (1 octet)|  bits: 32, 128, or 0 for a wildcard (RFC 6625 §4)
//   +-----------------------------------+
//   |   Multicast Source (variable)     |
//   +-----------------------------------+
//   |   Multicast Group Length (1 octet)|
//   +-----------------------------------+
//   |   Multicast Group (variable)      |
//   +-----------------------------------+
//
// A wildcard (length 0) leaves `source` or `group` absent.

import type { Reader } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'
import { lengthAddressSize, readLengthAddress, writeLengthAddress } from '../evpn/fields.ts'

export interface SourceGroup {
  readonly source?: string
  readonly group?: string
}

export function readSourceGroup(r: Reader): SourceGroup {
  const source = readLengthAddress(r, 'multicast source', true)
  const group = readLengthAddress(r, 'multicast group', true)
  return { ...(source !== undefined ? { source } : {}), ...(group !== undefined ? { group } : {}) }
}

export function sourceGroupSize(v: SourceGroup): number {
  return lengthAddressSize(v.source) + lengthAddressSize(v.group)
}

export function writeSourceGroup(w: Writer, v: SourceGroup): void {
  writeLengthAddress(w, v.source)
  writeLengthAddress(w, v.group)
}

export function sourceGroupKey(v: SourceGroup): string {
  return `${v.source ?? '*'}:${v.group ?? '*'}`
}
