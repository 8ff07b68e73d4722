// BGP PREFIX_SID, type 40, optional transitive (RFC 8669 §3, RFC 9252 §2):
//
//   +-----------+--------------+---------------------+
//   | Type (1)  | Length (2)   | Value               |  TLVs, repeated
//   +-----------+--------------+---------------------+
//
//   1 Label-Index (RFC 8669 §3.1)       reserved (1) | flags (2) | label index (4)
//   3 Originator SRGB (RFC 8669 §3.2)   flags (2) | { SRGB base (3) | range (3) } ×n, n ≥ 1
//   5 SRv6 L3 Service (RFC 9252 §2)     reserved (1) | service sub-TLVs
//   6 SRv6 L2 Service (RFC 9252 §2)     reserved (1) | service sub-TLVs
//
// Service sub-TLVs and their data sub-sub-TLVs are Type (1) | Length (2):
//   sub-TLV 1 SRv6 SID Information (RFC 9252 §3.1): reserved (1) | SID (16) |
//     flags (1) | endpoint behavior (2) | reserved (1) | sub-sub-TLVs
//   sub-sub-TLV 1 SRv6 SID Structure (RFC 9252 §3.2.1): locator block,
//     locator node, function, argument lengths, transposition length and
//     offset (1 each)
// Other TLVs, sub-TLVs and sub-sub-TLVs are { type, hex }; reserved fields
// appear only when not zero. RFC 8669 §6 (and RFC 9252 §6 for the SRv6
// TLVs): a malformed Prefix-SID attribute is ignored — attribute-discard.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { type Reader, rest, take, u8, u16, u24, u32 } from '../../wire/reader.ts'
import { type Writer, w8, w16, w24, w32, wbytes } from '../../wire/writer.ts'
import { lengthIn, malformed, readSid, reservedIf, writeSid } from './tunnel-encapsulation/fields.ts'
import type { AttributeCodec } from './types.ts'

export interface RawTlv {
  readonly type: number
  readonly hex: string
}

export interface LabelIndexTlv {
  readonly type: 1
  readonly name: 'label-index'
  readonly flags: number
  readonly labelIndex: number
  readonly reserved?: number
}

export interface SrgbRange {
  readonly base: number
  readonly range: number
}

export interface OriginatorSrgbTlv {
  readonly type: 3
  readonly name: 'originator-srgb'
  readonly flags: number
  readonly srgb: readonly SrgbRange[]
}

export interface SidStructureSubSubTlv {
  readonly type: 1
  readonly name: 'sid-structure'
  readonly locatorBlockLength: number
  readonly locatorNodeLength: number
  readonly functionLength: number
  readonly argumentLength: number
  readonly transpositionLength: number
  readonly transpositionOffset: number
}

export interface SidInformationSubTlv {
  readonly type: 1
  readonly name: 'srv6-sid-information'
  readonly sid: string
  readonly flags: number
  readonly endpointBehavior: number
  readonly subSubTlvs: readonly (SidStructureSubSubTlv | RawTlv)[]
  /** the reserved octet before the SID, when not zero */
  readonly reserved1?: number
  /** the reserved octet after the endpoint behavior, when not zero */
  readonly reserved2?: number
}

export interface Srv6ServiceTlv {
  readonly type: 5 | 6
  readonly name: 'srv6-l3-service' | 'srv6-l2-service'
  readonly subTlvs: readonly (SidInformationSubTlv | RawTlv)[]
  readonly reserved?: number
}

export type PrefixSidTlv = LabelIndexTlv | OriginatorSrgbTlv | Srv6ServiceTlv | RawTlv

export type PrefixSid = readonly PrefixSidTlv[]

function raw(type: number, r: Reader): RawTlv {
  return { type, hex: toHex(rest(r)) }
}

function isRaw(v: { readonly type: number }): v is RawTlv {
  return !('name' in v)
}

/** Type (1) | Length (2) | value, filling r; `one` reads a value reader that it must consume. */
function decodeTlvs<T>(r: Reader, what: string, one: (type: number, v: Reader) => T): T[] {
  const out: T[] = []
  while (r.pos < r.end) {
    const at = r.pos
    if (r.end - r.pos < 3) throw malformed(`${what}: ${r.end - r.pos} octets left, too few for a header`, at)
    const type = u8(r)
    const len = u16(r)
    if (r.pos + len > r.end) throw malformed(`${what} ${type} of ${len} octets overruns`, at)
    const v = take(r, len)
    out.push(one(type, v))
    if (v.pos !== v.end) throw malformed(`${what} ${type}: ${v.end - v.pos} trailing octets`, v.pos)
  }
  return out
}

function encodeTlvs<T extends { readonly type: number }>(
  w: Writer,
  list: readonly T[],
  size: (v: T) => number,
  encode: (w: Writer, v: T) => void,
): void {
  for (const v of list) {
    const len = size(v)
    if (len > 0xffff) throw malformed(`TLV ${v.type} of ${len} octets`, w.pos)
    w8(w, v.type)
    w16(w, len)
    encode(w, v)
  }
}

function tlvsSize<T>(list: readonly T[], size: (v: T) => number): number {
  let n = 0
  for (const v of list) n += 3 + size(v)
  return n
}

// SRv6 SID Information and its sub-sub-TLVs.

function decodeSubSub(type: number, r: Reader): SidStructureSubSubTlv | RawTlv {
  if (type !== 1) return raw(type, r)
  lengthIn(r, [6], 'SRv6 SID structure')
  return {
    type: 1,
    name: 'sid-structure',
    locatorBlockLength: u8(r),
    locatorNodeLength: u8(r),
    functionLength: u8(r),
    argumentLength: u8(r),
    transpositionLength: u8(r),
    transpositionOffset: u8(r),
  }
}

const subSubSize = (v: SidStructureSubSubTlv | RawTlv): number => (isRaw(v) ? v.hex.length / 2 : 6)

function encodeSubSub(w: Writer, v: SidStructureSubSubTlv | RawTlv): void {
  if (isRaw(v)) {
    wbytes(w, hexOrThrow(v.hex, 'SRv6 service data sub-sub-TLV'))
    return
  }
  for (const n of [
    v.locatorBlockLength,
    v.locatorNodeLength,
    v.functionLength,
    v.argumentLength,
    v.transpositionLength,
    v.transpositionOffset,
  ]) {
    w8(w, n)
  }
}

function decodeServiceSub(type: number, r: Reader): SidInformationSubTlv | RawTlv {
  if (type !== 1) return raw(type, r)
  if (r.end - r.pos < 21) throw malformed(`SRv6 SID information of ${r.end - r.pos} octets`, r.pos)
  const reserved1 = u8(r)
  const sid = readSid(r)
  const flags = u8(r)
  const endpointBehavior = u16(r)
  const reserved2 = u8(r)
  const subSubTlvs = decodeTlvs(r, 'SRv6 service data sub-sub-TLV', decodeSubSub)
  return {
    type: 1,
    name: 'srv6-sid-information',
    sid,
    flags,
    endpointBehavior,
    subSubTlvs,
    ...(reserved1 ? { reserved1 } : {}),
    ...(reserved2 ? { reserved2 } : {}),
  }
}

function serviceSubSize(v: SidInformationSubTlv | RawTlv): number {
  return isRaw(v) ? v.hex.length / 2 : 21 + tlvsSize(v.subSubTlvs, subSubSize)
}

function encodeServiceSub(w: Writer, v: SidInformationSubTlv | RawTlv): void {
  if (isRaw(v)) {
    wbytes(w, hexOrThrow(v.hex, 'SRv6 service sub-TLV'))
    return
  }
  w8(w, v.reserved1 ?? 0)
  writeSid(w, v.sid)
  w8(w, v.flags)
  w16(w, v.endpointBehavior)
  w8(w, v.reserved2 ?? 0)
  encodeTlvs(w, v.subSubTlvs, subSubSize, encodeSubSub)
}

// The attribute's TLVs.

function decodeTlv(type: number, r: Reader): PrefixSidTlv {
  if (type === 1) {
    lengthIn(r, [7], 'label-index TLV')
    const reserved = u8(r)
    const flags = u16(r)
    return { type: 1, name: 'label-index', flags, labelIndex: u32(r), ...reservedIf(reserved) }
  }
  if (type === 3) {
    const len = r.end - r.pos
    if (len < 8 || (len - 2) % 6) throw malformed(`originator SRGB TLV of ${len} octets`, r.pos)
    const flags = u16(r)
    const srgb: SrgbRange[] = []
    while (r.pos < r.end) srgb.push({ base: u24(r), range: u24(r) })
    return { type: 3, name: 'originator-srgb', flags, srgb }
  }
  if (type === 5 || type === 6) {
    if (r.end === r.pos) throw malformed(`SRv6 service TLV ${type} without its reserved octet`, r.pos)
    const reserved = u8(r)
    const subTlvs = decodeTlvs(r, 'SRv6 service sub-TLV', decodeServiceSub)
    const name = type === 5 ? 'srv6-l3-service' : 'srv6-l2-service'
    return { type, name, subTlvs, ...reservedIf(reserved) }
  }
  return raw(type, r)
}

function tlvSize(v: PrefixSidTlv): number {
  if (isRaw(v)) return v.hex.length / 2
  if (v.type === 1) return 7
  if (v.type === 3) return 2 + 6 * v.srgb.length
  return 1 + tlvsSize(v.subTlvs, serviceSubSize)
}

function encodeTlv(w: Writer, v: PrefixSidTlv): void {
  if (isRaw(v)) {
    wbytes(w, hexOrThrow(v.hex, 'Prefix-SID TLV'))
    return
  }
  if (v.type === 1) {
    w8(w, v.reserved ?? 0)
    w16(w, v.flags)
    w32(w, v.labelIndex)
  } else if (v.type === 3) {
    w16(w, v.flags)
    for (const s of v.srgb) {
      w24(w, s.base)
      w24(w, s.range)
    }
  } else {
    w8(w, v.reserved ?? 0)
    encodeTlvs(w, v.subTlvs, serviceSubSize, encodeServiceSub)
  }
}

export const prefixSid: AttributeCodec<'PREFIX_SID'> = {
  code: 40,
  name: 'PREFIX_SID',
  flags: 0xc0,
  onError: 'attribute-discard',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: (r) => decodeTlvs(r, 'Prefix-SID TLV', decodeTlv),
  size: (v) => tlvsSize(v, tlvSize),
  encode: (w, v) => encodeTlvs(w, v, tlvSize, encodeTlv),
}
