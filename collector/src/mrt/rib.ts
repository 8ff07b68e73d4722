// TABLE_DUMP_V2 RIB records: the AFI/SAFI-specific subtypes 2–5 and their
// RFC 8050 ADDPATH twins 8–11 (RFC 6396 §4.3.2), and RIB_GENERIC 6 / 12
// (§4.3.3):
//
//   RIB_IPV4_UNICAST …                     RIB_GENERIC
//   +-------------------------------+      +-------------------------------+
//   |        Sequence Number (4)    |      |        Sequence Number (4)    |
//   +---------------+---------------+      +---------------+---------------+
//   | Prefix Length |  Prefix (var) |      |   AFI (2)     |  SAFI (1)     |
//   +---------------+---------------+      +---------------+---------------+
//   |  Entry Count (2) | Entries…   |      |  NLRI (one entry, variable)   |
//   +-------------------------------+      |  Entry Count (2) | Entries…   |
//                                          +-------------------------------+
//
// Each RIB entry (§4.3.4; RFC 8050 §4 adds the Path Identifier):
//
//   +-------------------------------+
//   |         Peer Index (2)        |
//   |       Originated Time (4)     |
//   |  Path Identifier (4, ADDPATH) |
//   |      Attribute Length (2)     |
//   |   BGP Attributes (variable)   |
//   +-------------------------------+
//
// Attributes always carry 4-octet ASNs (§4.3.4). MP_REACH_NLRI in an entry is
// abbreviated to Next Hop Length + Next Hop, "the remaining fields are
// omitted" (§4.3.4), but some writers (GoBGP among them) store it whole; both
// forms are read. Parsing keeps the attribute octets as views; decoding them
// is a separate, lazy step.

import {
  type CodecContext,
  DEFAULT_CONTEXT,
  decodeAttributeList,
  familyCodec,
  familyName,
  type Nlri,
  type PathAttribute,
  type Problem,
  type ProblemLog,
} from '../bgp/index.ts'
import { formatPrefix } from '../wire/ip.ts'
import { bytes, type Reader, reader, u8, u16, u32 } from '../wire/reader.ts'
import { type Writer, w8, w16, w32, wbytes } from '../wire/writer.ts'
import { TABLE_DUMP_V2_SUBTYPE } from './constants.ts'
import { RecordFault } from './errors.ts'
import type { PeerIndexTable } from './peer-index-table.ts'

export interface RibEntry {
  readonly peerIndex: number
  readonly originatedTime: number
  /** RFC 8050 path identifier: present exactly in the ADDPATH subtypes. */
  readonly pathId?: number
  /** The path attribute octets as stored (a view). */
  readonly attributes: Uint8Array
}

export interface RibRecord {
  readonly sequence: number
  readonly afi: number
  readonly safi: number
  /** RIB_GENERIC[_ADDPATH] rather than an AFI/SAFI-specific subtype. */
  readonly generic: boolean
  readonly addPath: boolean
  /** The NLRI as on the wire, without a path id: prefix length + prefix octets for IP families. */
  readonly nlri: Uint8Array
  readonly entries: readonly RibEntry[]
}

const AFI_SPECIFIC: Readonly<Record<number, readonly [afi: number, safi: number, addPath: boolean]>> = {
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST]: [1, 1, false],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_MULTICAST]: [1, 2, false],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST]: [2, 1, false],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_MULTICAST]: [2, 2, false],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST_ADDPATH]: [1, 1, true],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_MULTICAST_ADDPATH]: [1, 2, true],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST_ADDPATH]: [2, 1, true],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_MULTICAST_ADDPATH]: [2, 2, true],
}

export function isRibSubtype(subtype: number): boolean {
  return (
    AFI_SPECIFIC[subtype] !== undefined ||
    subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC ||
    subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC_ADDPATH
  )
}

/** AFI_SPECIFIC the other way round: subtype by (AFI 1–2, SAFI 1–2, ADD-PATH), for writers. */
const SPECIFIC_BY_FAMILY = new Int8Array(8).fill(-1)
for (const [sub, [a, s, ap]] of Object.entries(AFI_SPECIFIC))
  SPECIFIC_BY_FAMILY[(a - 1) * 4 + (s - 1) * 2 + (ap ? 1 : 0)] = Number(sub)

/** The subtype a RIB record is written with. */
export function ribSubtype(afi: number, safi: number, addPath: boolean, generic: boolean): number {
  if (!generic && (afi === 1 || afi === 2) && (safi === 1 || safi === 2)) {
    const sub = SPECIFIC_BY_FAMILY[(afi - 1) * 4 + (safi - 1) * 2 + (addPath ? 1 : 0)]!
    if (sub >= 0) return sub
  }
  return addPath ? TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC_ADDPATH : TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC
}

/** Whether (afi, safi) has an AFI/SAFI-specific RIB subtype (else RIB_GENERIC). */
export function hasSpecificSubtype(afi: number, safi: number): boolean {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2)
}

/** Octets of one NLRI of a family that the codec cannot delimit: <length in bits, prefix octets>. */
function bitLengthNlri(r: Reader): void {
  const bits = u8(r)
  bytes(r, (bits + 7) >> 3)
}

function readNlri(r: Reader, afi: number, safi: number): Uint8Array {
  const start = r.pos
  const codec = familyCodec(afi, safi)
  if (codec.opaque) bitLengthNlri(r)
  else codec.decode(r, undefined, false)
  return r.buf.subarray(start, r.pos)
}

function readPrefix(r: Reader, afi: number): Uint8Array {
  const start = r.pos
  const bits = u8(r)
  const width = afi === 1 ? 32 : 128
  if (bits > width) throw new RecordFault(start, `prefix length ${bits} exceeds ${width} bits`)
  bytes(r, (bits + 7) >> 3)
  return r.buf.subarray(start, r.pos)
}

/** Parses a RIB record's body (r over the whole record, positioned after the header). */
export function parseRib(r: Reader, subtype: number, peers: PeerIndexTable | undefined): RibRecord {
  const sequence = u32(r)
  const specific = AFI_SPECIFIC[subtype]
  let afi: number
  let safi: number
  let addPath: boolean
  let nlri: Uint8Array
  if (specific) {
    ;[afi, safi, addPath] = specific
    nlri = readPrefix(r, afi)
  } else {
    afi = u16(r)
    safi = u8(r)
    addPath = subtype === TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC_ADDPATH
    nlri = readNlri(r, afi, safi)
  }
  const count = u16(r)
  const entries = new Array<RibEntry>(count)
  for (let i = 0; i < count; i++) {
    const at = r.pos
    const peerIndex = u16(r)
    if (!peers) {
      throw new RecordFault(
        at,
        `peer index ${peerIndex} with no PEER_INDEX_TABLE before`,
        'MRT.MISSING_PEER_INDEX',
      )
    }
    if (peerIndex >= peers.peers.length) {
      throw new RecordFault(
        at,
        `peer index ${peerIndex} beyond the ${peers.peers.length} peers of the PEER_INDEX_TABLE`,
        'MRT.MISSING_PEER_INDEX',
      )
    }
    const originatedTime = u32(r)
    const pathId = addPath ? u32(r) : undefined
    const len = u16(r)
    const attributes = bytes(r, len)
    entries[i] = addPath
      ? { peerIndex, originatedTime, pathId, attributes }
      : { peerIndex, originatedTime, attributes }
  }
  return { sequence, afi, safi, generic: !specific, addPath, nlri, entries }
}

export function ribSize(rec: RibRecord): number {
  let n = 4 + (rec.generic ? 3 : 0) + rec.nlri.length + 2
  for (const e of rec.entries) n += 8 + (rec.addPath ? 4 : 0) + e.attributes.length
  return n
}

export function encodeRib(w: Writer, rec: RibRecord): void {
  w32(w, rec.sequence)
  if (rec.generic) {
    w16(w, rec.afi)
    w8(w, rec.safi)
  }
  wbytes(w, rec.nlri)
  w16(w, rec.entries.length)
  for (const e of rec.entries) {
    w16(w, e.peerIndex)
    w32(w, e.originatedTime)
    if (rec.addPath) w32(w, e.pathId ?? 0)
    w16(w, e.attributes.length)
    wbytes(w, e.attributes)
  }
}

/** Text of an IP family's NLRI (prefix length + octets), host bits as stored. */
export function ribPrefixText(nlri: Uint8Array, afi: number): string {
  return formatPrefix(nlri, 1, nlri[0]!, afi === 1 ? 4 : 16)
}

/** The decoded NLRI of a RIB_GENERIC record, by the family's codec (raw hex for undecoded families). */
export function ribGenericNlri(rec: RibRecord): Nlri {
  const codec = familyCodec(rec.afi, rec.safi)
  return codec.decode(reader(rec.nlri), undefined, false)
}

// --- attributes of an entry ---------------------------------------------------------------

/** Where MP_REACH_NLRI sits in an attribute block, if anywhere: value bounds within the block. */
function findMpReach(a: Uint8Array): { at: number; value: number; end: number; flags: number } | undefined {
  let p = 0
  while (p + 3 <= a.length) {
    const flags = a[p]!
    const code = a[p + 1]!
    const ext = (flags & 0x10) !== 0
    if (ext && p + 4 > a.length) return undefined
    const len = ext ? (a[p + 2]! << 8) | a[p + 3]! : a[p + 2]!
    const value = p + (ext ? 4 : 3)
    if (value + len > a.length) return undefined
    if (code === 14) return { at: p, value, end: value + len, flags }
    p = value + len
  }
  return undefined
}

/** RFC 6396 §4.3.4's short form: Next Hop Length and Next Hop only. */
export function isAbbreviatedMpReach(value: Uint8Array): boolean {
  return value.length >= 1 && value.length === 1 + value[0]!
}

export interface DecodedAttributes {
  readonly attributes: PathAttribute[]
  readonly problems: Problem[]
  /** MP_REACH_NLRI was in the abbreviated RIB-entry form (its AFI/SAFI taken from the record). */
  readonly mpReachAbbreviated: boolean
}

/**
 * Decodes a stored attribute block with the codec. `base` is the block's
 * offset in the record, so that problem offsets count from the record start.
 * An abbreviated MP_REACH_NLRI is decoded as the full attribute it stands for
 * (AFI/SAFI of the record, no NLRI).
 */
export function decodeStoredAttributes(
  block: Uint8Array,
  ctx: CodecContext,
  base: number,
  family?: { afi: number; safi: number },
): DecodedAttributes {
  const log: ProblemLog = { base: -base, list: [] }
  const attributes = decodeAttributeList(reader(block), ctx, log)
  const mp = family ? findMpReach(block) : undefined
  if (!mp || !family || !isAbbreviatedMpReach(block.subarray(mp.value, mp.end))) {
    return { attributes, problems: log.list, mpReachAbbreviated: false }
  }
  // Rebuild the full attribute: flags, type, length, AFI, SAFI, next hop, reserved 0.
  const nh = block.subarray(mp.value, mp.end)
  const valueLength = 3 + nh.length + 1
  const ext = valueLength > 0xff
  const full = new Uint8Array((ext ? 4 : 3) + valueLength)
  full[0] = ext ? mp.flags | 0x10 : mp.flags & ~0x10
  full[1] = 14
  let p = 2
  if (ext) full[p++] = valueLength >> 8
  full[p++] = valueLength & 0xff
  full[p++] = family.afi >> 8
  full[p++] = family.afi & 0xff
  full[p++] = family.safi
  full.set(nh, p)
  const own: ProblemLog = { base: -(base + mp.at), list: [] }
  const [decoded] = decodeAttributeList(reader(full), ctx, own)
  const index = attributes.findIndex((a) => a.code === 14)
  if (decoded && index >= 0) attributes[index] = { ...decoded, flags: mp.flags }
  // The problems the short form raised in the full-form decoder are not problems; keep the rest.
  const start = base + mp.at
  const end = base + mp.end
  const problems = log.list.filter((x) => !(x.attribute === 14 && x.offset >= start && x.offset <= end))
  for (const x of own.list) problems.push(x)
  return { attributes, problems, mpReachAbbreviated: true }
}

/**
 * The context of a RIB entry's attributes: 4-octet AS always (RFC 6396
 * §4.3.4), and no path ids inside them even in the ADDPATH subtypes — RFC 8050
 * §4 puts the entry's path id in the entry; an MP_REACH_NLRI stored in full
 * carries its NLRI without one.
 */
const RIB_CONTEXT: CodecContext = DEFAULT_CONTEXT

export interface DecodedRibEntry {
  readonly peerIndex: number
  readonly peerAddress?: string
  readonly peerAs?: number
  readonly originatedTime: number
  readonly pathId?: number
  readonly attributes: readonly PathAttribute[]
  readonly mpReachAbbreviated?: true
  readonly problems?: readonly Problem[]
}

export interface DecodedRib {
  readonly sequence: number
  readonly family: string
  readonly afi: number
  readonly safi: number
  /** AFI/SAFI-specific subtypes: the prefix text. */
  readonly prefix?: string
  /** RIB_GENERIC: the decoded NLRI. */
  readonly nlri?: Nlri
  readonly entries: readonly DecodedRibEntry[]
}

/** The JSON form of a RIB record; `entriesAt[i]` is where entry i's attribute block sits in the record. */
export function decodeRib(
  rec: RibRecord,
  peers: PeerIndexTable | undefined,
  entriesAt: readonly number[],
): DecodedRib {
  const ctx = RIB_CONTEXT
  // One object shape for every entry (absent fields undefined, which JSON
  // omits): conditional spreads here cost more than the attribute decode.
  const entries: DecodedRibEntry[] = []
  for (let i = 0; i < rec.entries.length; i++) {
    const e = rec.entries[i]!
    const d = decodeStoredAttributes(e.attributes, ctx, entriesAt[i] ?? 0, rec)
    const peer = peers?.peers[e.peerIndex]
    entries.push({
      peerIndex: e.peerIndex,
      peerAddress: peer?.address,
      peerAs: peer?.asn,
      originatedTime: e.originatedTime,
      pathId: e.pathId,
      attributes: d.attributes,
      mpReachAbbreviated: d.mpReachAbbreviated ? true : undefined,
      problems: d.problems.length ? d.problems : undefined,
    })
  }
  const head = { sequence: rec.sequence, family: familyName(rec.afi, rec.safi), afi: rec.afi, safi: rec.safi }
  return rec.generic
    ? { ...head, nlri: ribGenericNlri(rec), entries }
    : { ...head, prefix: ribPrefixText(rec.nlri, rec.afi), entries }
}

/** Offsets (within the record) of each entry's attribute block, for problem offsets. */
export function entryOffsets(rec: RibRecord, raw: Uint8Array): number[] {
  return rec.entries.map((e) => e.attributes.byteOffset - raw.byteOffset)
}
