// Records by type: one descriptor per MRT type (group of subtypes), each
// naming its parser, sizer and encoder, as the codec's registries do. Parsing
// is structural (fields, and views of the attribute and message octets);
// decoding to the JSON form (docs/json.md, "MRT records") is a separate step.

import { CodecError } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'
import { type Reader, reader, WireError } from '../wire/reader.ts'
import { encodeWith, type Writer, wbytes } from '../wire/writer.ts'
import {
  type DecodedLegacyBgp,
  decodeLegacyBgp,
  encodeLegacyBgp,
  type LegacyBgp,
  legacyBgpSize,
  parseLegacyBgp,
} from './bgp-legacy.ts'
import {
  type Bgp4mpMessage,
  bgp4mpMessageSize,
  type DecodedBgp4mpMessage,
  decodeBgp4mpMessage,
  encodeBgp4mpMessage,
  messageFlavour,
  parseBgp4mpMessage,
} from './bgp4mp-message.ts'
import {
  type DecodedStateChange,
  decodeStateChange,
  encodeStateChange,
  parseStateChange,
  type StateChange,
  stateChangeSize,
} from './bgp4mp-state-change.ts'
import { BGP4MP_SUBTYPE, MRT_TYPE, mrtSubtypeName, mrtTypeName, TABLE_DUMP_V2_SUBTYPE } from './constants.ts'
import { MrtError, RecordFault } from './errors.ts'
import { headerLength, type MrtHeaderFields, type MrtRecord, writeMrtHeader } from './header.ts'
import { type DecodedIgp, decodeIgp, encodeIgp, type IgpRecord, igpSize, parseIgp } from './igp.ts'
import {
  encodePeerIndexTable,
  type PeerIndexTable,
  parsePeerIndexTable,
  peerIndexTableSize,
} from './peer-index-table.ts'
import {
  type DecodedRib,
  decodeRib,
  encodeRib,
  entryOffsets,
  isRibSubtype,
  parseRib,
  type RibRecord,
  ribSize,
} from './rib.ts'
import {
  type DecodedTableDump,
  decodeTableDump,
  encodeTableDump,
  parseTableDump,
  type TableDump,
  tableDumpSize,
} from './table-dump.ts'

/** A record's body, parsed: which one it is follows from the type and subtype. */
export type MrtBody =
  | { readonly kind: 'PEER_INDEX_TABLE'; readonly table: PeerIndexTable }
  | { readonly kind: 'RIB'; readonly rib: RibRecord }
  | { readonly kind: 'BGP4MP_STATE_CHANGE'; readonly state: StateChange }
  | { readonly kind: 'BGP4MP_MESSAGE'; readonly message: Bgp4mpMessage }
  | { readonly kind: 'TABLE_DUMP'; readonly entry: TableDump }
  | { readonly kind: 'BGP'; readonly bgp: LegacyBgp }
  | { readonly kind: 'IGP'; readonly igp: IgpRecord }
  /** A type or subtype without a parser (GEO_PEER_TABLE, deprecated types): the body octets. */
  | { readonly kind: 'UNKNOWN'; readonly data: Uint8Array }

export type MrtBodyKind = MrtBody['kind']

/** What a writer needs for any record: header fields and a parsed body. */
export interface MrtRecordValue extends MrtHeaderFields {
  readonly body: MrtBody
}

function parseBody(r: Reader, type: number, subtype: number, peers: PeerIndexTable | undefined): MrtBody {
  switch (type) {
    case MRT_TYPE.TABLE_DUMP_V2:
      if (subtype === TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE)
        return { kind: 'PEER_INDEX_TABLE', table: parsePeerIndexTable(r) }
      if (isRibSubtype(subtype)) return { kind: 'RIB', rib: parseRib(r, subtype, peers) }
      break
    case MRT_TYPE.BGP4MP:
    case MRT_TYPE.BGP4MP_ET:
      if (subtype === BGP4MP_SUBTYPE.STATE_CHANGE || subtype === BGP4MP_SUBTYPE.STATE_CHANGE_AS4) {
        return {
          kind: 'BGP4MP_STATE_CHANGE',
          state: parseStateChange(r, subtype === BGP4MP_SUBTYPE.STATE_CHANGE_AS4),
        }
      }
      if (messageFlavour(subtype)) return { kind: 'BGP4MP_MESSAGE', message: parseBgp4mpMessage(r, subtype) }
      break
    case MRT_TYPE.TABLE_DUMP:
      if (subtype === 1 || subtype === 2) return { kind: 'TABLE_DUMP', entry: parseTableDump(r, subtype) }
      break
    case MRT_TYPE.BGP:
      return { kind: 'BGP', bgp: parseLegacyBgp(r, subtype) }
    case MRT_TYPE.OSPFV2:
    case MRT_TYPE.OSPFV3:
    case MRT_TYPE.OSPFV3_ET:
    case MRT_TYPE.ISIS:
    case MRT_TYPE.ISIS_ET:
      return { kind: 'IGP', igp: parseIgp(r, type) }
  }
  return { kind: 'UNKNOWN', data: r.buf.subarray(r.pos, (r.pos = r.end)) }
}

function errorOf(e: unknown, rec: MrtRecord): MrtError {
  const d = { recordOffset: rec.offset, recordIndex: rec.index, type: rec.type, subtype: rec.subtype }
  if (e instanceof MrtError) return e
  if (e instanceof RecordFault) return new MrtError(e.kind, e.message, { ...d, offset: rec.offset + e.at })
  if (e instanceof WireError || e instanceof CodecError) {
    return new MrtError('MRT.MALFORMED_RECORD', e.message, { ...d, offset: rec.offset + e.offset })
  }
  throw e
}

/**
 * Parses a record's body. Throws an MrtError naming the record (and the
 * fault's offset) when the body does not have its type's structure; a record
 * the reader already parsed (its `body`) is not parsed again.
 */
export function parseRecord(rec: MrtRecord): MrtBody {
  if (rec.body) return rec.body
  const r = reader(rec.raw, rec.bodyStart)
  try {
    const body = parseBody(r, rec.type, rec.subtype, rec.peers)
    if (r.pos !== r.end) throw new RecordFault(r.pos, `${r.end - r.pos} octets after the ${body.kind} body`)
    return body
  } catch (e) {
    throw errorOf(e, rec)
  }
}

// --- JSON form ------------------------------------------------------------------------

export interface MrtDecodedHead {
  /** The MRT type's IANA name (`TABLE_DUMP_V2`, `BGP4MP_ET`, …; `MRT_TYPE_N` when unknown). */
  readonly type: string
  readonly subtype: string
  readonly timestamp: number
  /** The _ET types' microseconds. */
  readonly microseconds?: number
}

export type MrtDecodedBody =
  | PeerIndexTable
  | DecodedRib
  | DecodedStateChange
  | DecodedBgp4mpMessage
  | DecodedTableDump
  | DecodedLegacyBgp
  | DecodedIgp
  | { readonly data: string }

export type MrtDecodedRecord = MrtDecodedHead & MrtDecodedBody

function decodeBody(rec: MrtRecord, body: MrtBody): MrtDecodedBody {
  switch (body.kind) {
    case 'PEER_INDEX_TABLE':
      return body.table
    case 'RIB':
      return decodeRib(body.rib, rec.peers, entryOffsets(body.rib, rec.raw))
    case 'BGP4MP_STATE_CHANGE':
      return decodeStateChange(body.state)
    case 'BGP4MP_MESSAGE':
      return decodeBgp4mpMessage(body.message)
    case 'TABLE_DUMP':
      return decodeTableDump(body.entry, body.entry.attributes.byteOffset - rec.raw.byteOffset)
    case 'BGP':
      return decodeLegacyBgp(body.bgp, rec.subtype)
    case 'IGP':
      return decodeIgp(body.igp)
    case 'UNKNOWN':
      return { data: toHex(body.data) }
  }
}

export function decodedHead(rec: MrtHeaderFields): MrtDecodedHead {
  return {
    type: mrtTypeName(rec.type),
    subtype: mrtSubtypeName(rec.type, rec.subtype),
    timestamp: rec.timestamp,
    microseconds: rec.microseconds,
  }
}

/** The record in the documented JSON form: header names, then the body with BGP content decoded by the codec. */
export function decodeRecord(rec: MrtRecord): MrtDecodedRecord {
  const body = parseRecord(rec)
  try {
    // Assigned, not spread: a spread of two objects costs more than decoding them.
    return Object.assign(decodedHead(rec), decodeBody(rec, body))
  } catch (e) {
    throw errorOf(e, rec)
  }
}

// --- writing --------------------------------------------------------------------------

export function bodySize(body: MrtBody): number {
  switch (body.kind) {
    case 'PEER_INDEX_TABLE':
      return peerIndexTableSize(body.table)
    case 'RIB':
      return ribSize(body.rib)
    case 'BGP4MP_STATE_CHANGE':
      return stateChangeSize(body.state)
    case 'BGP4MP_MESSAGE':
      return bgp4mpMessageSize(body.message)
    case 'TABLE_DUMP':
      return tableDumpSize(body.entry)
    case 'BGP':
      return legacyBgpSize(body.bgp)
    case 'IGP':
      return igpSize(body.igp)
    case 'UNKNOWN':
      return body.data.length
  }
}

export function encodeBody(w: Writer, body: MrtBody): void {
  switch (body.kind) {
    case 'PEER_INDEX_TABLE':
      encodePeerIndexTable(w, body.table)
      break
    case 'RIB':
      encodeRib(w, body.rib)
      break
    case 'BGP4MP_STATE_CHANGE':
      encodeStateChange(w, body.state)
      break
    case 'BGP4MP_MESSAGE':
      encodeBgp4mpMessage(w, body.message)
      break
    case 'TABLE_DUMP':
      encodeTableDump(w, body.entry)
      break
    case 'BGP':
      encodeLegacyBgp(w, body.bgp)
      break
    case 'IGP':
      encodeIgp(w, body.igp)
      break
    case 'UNKNOWN':
      wbytes(w, body.data)
      break
  }
}

export function recordSize(v: MrtRecordValue): number {
  return headerLength(v.type) + bodySize(v.body)
}

/** Writes a whole record (header and body) at w.pos. */
export function writeRecord(w: Writer, v: MrtRecordValue): void {
  const body = bodySize(v.body)
  const h = headerLength(v.type)
  if (w.pos + h + body > w.end)
    throw new WireError('overflow', w.pos, `record of ${h + body} octets does not fit`)
  w.pos += writeMrtHeader(w.buf, w.pos, v, body)
  encodeBody(w, v.body)
}

/** The octets of a record: size, allocate, write (two passes, checked). */
export function encodeRecord(v: MrtRecordValue): Uint8Array {
  return encodeWith(v, recordSize, writeRecord)
}
