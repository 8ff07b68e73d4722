// SR Policy sub-TLVs of the Tunnel Encapsulation attribute (RFC 9830 §2.4),
// carried in the TLV of tunnel type 15 (SR Policy):
//
//   12 Preference        flags (1) | reserved (1) | preference (4)
//   13 Binding SID       flags (1) | reserved (1) | BSID (0, 4: label entry, or 16: SRv6 SID)
//   14 ENLP              flags (1) | reserved (1) | ENLP (1)
//   15 Priority          priority (1) | reserved (1)
//   20 SRv6 Binding SID  flags (1) | reserved (1) | SID (16) | [behavior and structure (8)]
//  128 Segment List      reserved (1) | sub-TLVs (type 1 octet, length 1 octet):
//                          9 Weight   flags (1) | reserved (1) | weight (4)
//                          1 Type A   flags (1) | reserved (1) | label (20) TC (3) S (1) TTL (8)
//                         13 Type B   flags (1) | reserved (1) | SRv6 SID (16) | [behavior and structure (8)]
//                          other segment types (C–K) are kept as { type, hex }
//  129 Policy Candidate Path Name   reserved (1) | name
//  130 Policy Name                  reserved (1) | name
//
// Lengths other than these make the attribute malformed (RFC 9830 §5 defers
// to RFC 9012 §13: treat-as-withdraw).

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { type Reader, rest, take, u8, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w32, wbytes } from '../../../wire/writer.ts'
import {
  labelEntryOf,
  lengthIn,
  malformed,
  readLabelEntry,
  readSid,
  readSidStructure,
  reservedIf,
  utf8,
  utf8Bytes,
  writeLabelEntry,
  writeSid,
  writeSidStructure,
} from './fields.ts'
import type { SubTlvCodec } from './sub-tlvs.ts'
import type {
  BindingSidSubTlv,
  EnlpSubTlv,
  NameSubTlv,
  PreferenceSubTlv,
  PrioritySubTlv,
  RawSubTlv,
  SegmentListSubTlv,
  SegmentListSubTlvValue,
  SegmentTypeA,
  SegmentTypeB,
  Srv6BindingSidSubTlv,
  WeightSubTlv,
} from './types.ts'

const preference: SubTlvCodec<PreferenceSubTlv> = {
  decode(r) {
    lengthIn(r, [6], 'preference sub-TLV')
    const flags = u8(r)
    const reserved = u8(r)
    return { type: 12, name: 'preference', flags, preference: u32(r), ...reservedIf(reserved) }
  },
  size: () => 6,
  encode(w, v) {
    w8(w, v.flags)
    w8(w, v.reserved ?? 0)
    w32(w, v.preference)
  },
}

const bindingSid: SubTlvCodec<BindingSidSubTlv> = {
  decode(r) {
    const len = lengthIn(r, [2, 6, 18], 'binding SID sub-TLV')
    const flags = u8(r)
    const reserved = reservedIf(u8(r))
    if (len === 6) return { type: 13, name: 'binding-sid', flags, label: readLabelEntry(r), ...reserved }
    if (len === 18) return { type: 13, name: 'binding-sid', flags, sid: readSid(r), ...reserved }
    return { type: 13, name: 'binding-sid', flags, ...reserved }
  },
  size: (v) => (v.label ? 6 : v.sid !== undefined ? 18 : 2),
  encode(w, v) {
    w8(w, v.flags)
    w8(w, v.reserved ?? 0)
    if (v.label) writeLabelEntry(w, labelEntryOf(v.label))
    else if (v.sid !== undefined) writeSid(w, v.sid)
  },
}

const enlp: SubTlvCodec<EnlpSubTlv> = {
  decode(r) {
    lengthIn(r, [3], 'ENLP sub-TLV')
    const flags = u8(r)
    const reserved = u8(r)
    return { type: 14, name: 'enlp', flags, enlp: u8(r), ...reservedIf(reserved) }
  },
  size: () => 3,
  encode(w, v) {
    w8(w, v.flags)
    w8(w, v.reserved ?? 0)
    w8(w, v.enlp)
  },
}

const priority: SubTlvCodec<PrioritySubTlv> = {
  decode(r) {
    lengthIn(r, [2], 'priority sub-TLV')
    const p = u8(r)
    return { type: 15, name: 'priority', priority: p, ...reservedIf(u8(r)) }
  },
  size: () => 2,
  encode(w, v) {
    w8(w, v.priority)
    w8(w, v.reserved ?? 0)
  },
}

const srv6BindingSid: SubTlvCodec<Srv6BindingSidSubTlv> = {
  decode(r) {
    const len = lengthIn(r, [18, 26], 'SRv6 binding SID sub-TLV')
    const flags = u8(r)
    const reserved = reservedIf(u8(r))
    const sid = readSid(r)
    const structure = len === 26 ? { structure: readSidStructure(r) } : {}
    return { type: 20, name: 'srv6-binding-sid', flags, sid, ...structure, ...reserved }
  },
  size: (v) => (v.structure ? 26 : 18),
  encode(w, v) {
    w8(w, v.flags)
    w8(w, v.reserved ?? 0)
    writeSid(w, v.sid)
    if (v.structure) writeSidStructure(w, v.structure)
  },
}

function nameSubTlv(type: 129 | 130, name: NameSubTlv['name']): SubTlvCodec<NameSubTlv | RawSubTlv> {
  return {
    decode(r) {
      if (r.end === r.pos) throw malformed(`${name} sub-TLV without its reserved octet`, r.pos)
      const at = r.pos
      const reserved = u8(r)
      const text = utf8(rest(r))
      if (text === undefined) return { type, hex: toHex(r.buf, at, r.end) }
      return { type, name, text, ...reservedIf(reserved) }
    },
    size: (v) => ('text' in v ? 1 + utf8Bytes(v.text).length : v.hex.length / 2),
    encode(w, v) {
      if (!('text' in v)) {
        wbytes(w, hexOrThrow(v.hex, name))
        return
      }
      w8(w, v.reserved ?? 0)
      wbytes(w, utf8Bytes(v.text))
    },
  }
}

// Segment list: its own sub-TLVs, with 1-octet lengths.

function decodeSegment(type: number, r: Reader): SegmentListSubTlv {
  if (type === 9) {
    lengthIn(r, [6], 'weight sub-TLV')
    const flags = u8(r)
    const reserved = u8(r)
    return { type: 9, name: 'weight', flags, weight: u32(r), ...reservedIf(reserved) }
  }
  if (type === 1) {
    lengthIn(r, [6], 'segment type A')
    const flags = u8(r)
    const reserved = u8(r)
    return { type: 1, name: 'segment-type-a', flags, ...readLabelEntry(r), ...reservedIf(reserved) }
  }
  if (type === 13) {
    const len = lengthIn(r, [18, 26], 'segment type B')
    const flags = u8(r)
    const reserved = reservedIf(u8(r))
    const sid = readSid(r)
    const structure = len === 26 ? { structure: readSidStructure(r) } : {}
    return { type: 13, name: 'segment-type-b', flags, sid, ...structure, ...reserved }
  }
  return { type, hex: toHex(rest(r)) }
}

function segmentSize(v: SegmentListSubTlv): number {
  if (!('name' in v)) return v.hex.length / 2
  if (v.name === 'weight' || v.name === 'segment-type-a') return 6
  return v.structure ? 26 : 18
}

function encodeSegment(w: Writer, v: SegmentListSubTlv): void {
  if (!('name' in v)) {
    wbytes(w, hexOrThrow(v.hex, 'segment list sub-TLV'))
    return
  }
  w8(w, v.flags)
  w8(w, v.reserved ?? 0)
  if (v.name === 'weight') w32(w, (v as WeightSubTlv).weight)
  else if (v.name === 'segment-type-a') writeLabelEntry(w, labelEntryOf(v as SegmentTypeA))
  else {
    const b = v as SegmentTypeB
    writeSid(w, b.sid)
    if (b.structure) writeSidStructure(w, b.structure)
  }
}

const segmentList: SubTlvCodec<SegmentListSubTlvValue> = {
  decode(r) {
    if (r.end === r.pos) throw malformed('segment list sub-TLV without its reserved octet', r.pos)
    const reserved = u8(r)
    const subTlvs: SegmentListSubTlv[] = []
    while (r.pos < r.end) {
      const at = r.pos
      const type = u8(r)
      const len = u8(r)
      if (r.pos + len > r.end) throw malformed(`segment list sub-TLV ${type} of ${len} octets overruns`, at)
      subTlvs.push(decodeSegment(type, take(r, len)))
    }
    return { type: 128, name: 'segment-list', subTlvs, ...reservedIf(reserved) }
  },
  size: (v) => 1 + v.subTlvs.reduce((n, s) => n + 2 + segmentSize(s), 0),
  encode(w, v) {
    w8(w, v.reserved ?? 0)
    for (const s of v.subTlvs) {
      const len = segmentSize(s)
      if (len > 0xff) throw malformed(`segment list sub-TLV ${s.type} of ${len} octets`, w.pos)
      w8(w, s.type)
      w8(w, len)
      encodeSegment(w, s)
    }
  },
}

// biome-ignore lint/suspicious/noExplicitAny: entries of every sub-TLV shape
export const SR_POLICY_SUB_TLVS: readonly (readonly [number, SubTlvCodec<any>])[] = [
  [12, preference],
  [13, bindingSid],
  [14, enlp],
  [15, priority],
  [20, srv6BindingSid],
  [128, segmentList],
  [129, nameSubTlv(129, 'policy-candidate-path-name')],
  [130, nameSubTlv(130, 'policy-name')],
]
