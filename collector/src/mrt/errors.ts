// One error type for MRT input that cannot be read as MRT. Every error names
// the file offset (in the decompressed stream) of the record it was found in,
// the record's number and type, and the offset of the fault itself, so that
// `xxd -s OFFSET` on the decompressed file shows the bad octets.
//
// Kinds (stable strings, for logs and the skip counters):
//   MRT.TRUNCATED_HEADER  the input ends inside a 12/16-octet common header
//   MRT.TRUNCATED_RECORD  the input ends before the record's Length is reached
//   MRT.BAD_LENGTH        a Length no record can have (too short for its own
//                         fields, or beyond the reader's maximum)
//   MRT.MALFORMED_RECORD  the body does not parse as its type says
//   MRT.MISSING_PEER_INDEX a RIB record names a peer that no PEER_INDEX_TABLE gave
//   MRT.DECOMPRESS        the gzip or bzip2 layer failed (corrupt or cut file)
//   MRT.INPUT             the input could not be opened or read

import { mrtSubtypeName, mrtTypeName } from './constants.ts'

export type MrtErrorKind =
  | 'MRT.TRUNCATED_HEADER'
  | 'MRT.TRUNCATED_RECORD'
  | 'MRT.BAD_LENGTH'
  | 'MRT.MALFORMED_RECORD'
  | 'MRT.MISSING_PEER_INDEX'
  | 'MRT.DECOMPRESS'
  | 'MRT.INPUT'

export interface MrtErrorDetails {
  /** Offset of the record's header in the decompressed stream. */
  readonly recordOffset: number
  /** 0-based number of the record in the input. */
  readonly recordIndex: number
  /** Offset of the fault in the decompressed stream (≥ recordOffset). */
  readonly offset: number
  readonly type?: number
  readonly subtype?: number
  /** The input's name (a path, or what the caller called its stream). */
  readonly source?: string
}

export class MrtError extends Error {
  readonly kind: MrtErrorKind
  readonly recordOffset: number
  readonly recordIndex: number
  readonly offset: number
  readonly type: number | undefined
  readonly subtype: number | undefined
  readonly source: string | undefined
  readonly reason: string
  constructor(kind: MrtErrorKind, reason: string, d: MrtErrorDetails) {
    const what =
      d.type === undefined ? '' : ` (${mrtTypeName(d.type)}/${mrtSubtypeName(d.type, d.subtype ?? -1)})`
    super(
      `${d.source ? `${d.source}: ` : ''}${kind}: record #${d.recordIndex}${what} at offset ${d.recordOffset}` +
        `${d.offset !== d.recordOffset ? `, fault at offset ${d.offset}` : ''}: ${reason}`,
    )
    this.name = 'MrtError'
    this.kind = kind
    this.reason = reason
    this.recordOffset = d.recordOffset
    this.recordIndex = d.recordIndex
    this.offset = d.offset
    this.type = d.type
    this.subtype = d.subtype
    this.source = d.source
  }
}

/**
 * Thrown by body parsers with an offset relative to the record's first octet;
 * the reader (which knows where the record sits in the file) turns it into an
 * MrtError. Never escapes the public functions.
 */
export class RecordFault extends Error {
  readonly at: number
  readonly kind: 'MRT.MALFORMED_RECORD' | 'MRT.MISSING_PEER_INDEX' | 'MRT.BAD_LENGTH'
  constructor(at: number, reason: string, kind: RecordFault['kind'] = 'MRT.MALFORMED_RECORD') {
    super(reason)
    this.name = 'RecordFault'
    this.at = at
    this.kind = kind
  }
}
