// The MRT common header (RFC 6396 §2) and the extended-timestamp header (§3):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |             Type              |            Subtype            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                             Length                            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 Microsecond Timestamp (_ET types only)         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      Message... (variable)
//
// Length counts the octets after the 12-octet header, the microsecond field
// of the _ET types included (§3: "included in the computation of the Length").

import { isExtendedTimestamp, MRT_ET_HEADER_LENGTH, MRT_HEADER_LENGTH } from './constants.ts'
import type { PeerIndexTable } from './peer-index-table.ts'
import type { MrtBody } from './record.ts'

/** One MRT record as read: its header fields and its octets, decoded lazily. */
export interface MrtRecord {
  /** Seconds since the epoch (Timestamp field). */
  readonly timestamp: number
  /** Microseconds (0..999999) of the _ET types; undefined for the others. */
  readonly microseconds: number | undefined
  readonly type: number
  readonly subtype: number
  /** The Length field: octets after the 12-octet header, microseconds included. */
  readonly length: number
  /** The whole record, header included: a view into the reader's buffer, never copied. */
  readonly raw: Uint8Array
  /** Where the body starts in `raw`: 12, or 16 after the microsecond field. */
  readonly bodyStart: number
  /** Offset of the record's first octet in the (decompressed) input. */
  readonly offset: number
  /** 0-based number of the record in the input. */
  readonly index: number
  /** For TABLE_DUMP_V2 records: the PEER_INDEX_TABLE in force (the last one read before). */
  readonly peers: PeerIndexTable | undefined
  /** The parsed body, when the reader parsed it while reading (see MrtReadOptions.validate). */
  readonly body: MrtBody | undefined
}

/** The header fields a writer supplies. */
export interface MrtHeaderFields {
  readonly timestamp: number
  /** Written (as 0 when absent) for the _ET types, ignored for the others. */
  readonly microseconds?: number
  readonly type: number
  readonly subtype: number
}

export function headerLength(type: number): number {
  return isExtendedTimestamp(type) ? MRT_ET_HEADER_LENGTH : MRT_HEADER_LENGTH
}

export function readU32(b: Uint8Array, p: number): number {
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
}

export function readU16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!
}

export function writeU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24
  b[p + 1] = (v >>> 16) & 0xff
  b[p + 2] = (v >>> 8) & 0xff
  b[p + 3] = v & 0xff
}

export function writeU16(b: Uint8Array, p: number, v: number): void {
  b[p] = (v >>> 8) & 0xff
  b[p + 1] = v & 0xff
}

/** Writes the header for a body of `bodyLength` octets at b[p..]; returns the header's length. */
export function writeMrtHeader(b: Uint8Array, p: number, h: MrtHeaderFields, bodyLength: number): number {
  const et = isExtendedTimestamp(h.type)
  writeU32(b, p, h.timestamp)
  writeU16(b, p + 4, h.type)
  writeU16(b, p + 6, h.subtype)
  writeU32(b, p + 8, bodyLength + (et ? 4 : 0))
  if (!et) return MRT_HEADER_LENGTH
  writeU32(b, p + 12, h.microseconds ?? 0)
  return MRT_ET_HEADER_LENGTH
}
