// The multicast fields shared by EVPN route types 6, 7 and 8 (RFC 9251 §9):
//
//   +--------------------------------------------------+
//   |  Multicast Source Length (1 octet)               |  0 (any source), 32 or 128
//   |  Multicast Source Address (variable)             |
//   |  Multicast Group Length (1 octet)                |  0 (any group), 32 or 128
//   |  Multicast Group Address (variable)              |
//   |  Originator Router Length (1 octet)              |  32 or 128
//   |  Originator Router Address (variable)            |
//   +--------------------------------------------------+
//
// and the Flags octet that ends them (RFC 9251 §9.1: 0x01 IGMPv1, 0x02
// IGMPv2, 0x04 IGMPv3, 0x08 IE, set = exclude group). Drafts before RFC 9251
// had no Flags octet in some routes, and routers still send such routes (the
// type-8 routes of ExaBGP's bgp-evpn-1 vector end where Flags would begin):
// a route that ends exactly there is read without it, and `flags` is absent.

import { type Reader, u8 } from '../../../wire/reader.ts'
import { type Writer, w8 } from '../../../wire/writer.ts'
import { invalid, lengthAddressSize, readLengthAddress, writeLengthAddress } from './fields.ts'

export interface EvpnMulticastFields {
  /** Absent for any source (*, G). */
  readonly source?: string
  /** Absent for any group. */
  readonly group?: string
  readonly originator: string
}

export function readMulticastFields(r: Reader): EvpnMulticastFields {
  const source = readLengthAddress(r, 'multicast source', true)
  const group = readLengthAddress(r, 'multicast group', true)
  const originator = readLengthAddress(r, 'originator router', false)!
  return {
    ...(source !== undefined ? { source } : {}),
    ...(group !== undefined ? { group } : {}),
    originator,
  }
}

export function multicastFieldsSize(v: EvpnMulticastFields): number {
  return lengthAddressSize(v.source) + lengthAddressSize(v.group) + lengthAddressSize(v.originator)
}

export function writeMulticastFields(w: Writer, v: EvpnMulticastFields): void {
  writeLengthAddress(w, v.source)
  writeLengthAddress(w, v.group)
  writeLengthAddress(w, v.originator)
}

/** The Flags octet: present when one octet is left, absent when none is. */
export function readFlags(r: Reader): number | undefined {
  const left = r.end - r.pos
  if (left === 0) return undefined
  if (left !== 1) throw invalid(`${left} octets where the flags octet ends the route`, r.pos)
  return u8(r)
}

export function writeFlags(w: Writer, flags: number | undefined): void {
  if (flags !== undefined) w8(w, flags)
}

export function multicastKey(v: EvpnMulticastFields): string {
  return `${v.source ?? '*'}:${v.group ?? '*'}:${v.originator}`
}
