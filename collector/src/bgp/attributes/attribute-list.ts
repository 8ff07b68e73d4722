// The path attribute section of an UPDATE (RFC 4271 §4.3), and of ATTR_SET:
//
//   +----------------+----------------+-------------------------+-----------+
//   | Attr. Flags (1)| Type Code (1)  | Length (1, or 2 if the  | Value     |
//   |                |                | Extended Length bit)    |           |
//   +----------------+----------------+-------------------------+-----------+
//
// RFC 7606 handling done here, in one pass:
//  - §4 an attribute that overruns the section, or a remainder too short for a
//    header: treat-as-withdraw, and stop (the caller still locates the NLRI by
//    the Total Path Attribute Length);
//  - §3(g) MP_REACH_NLRI or MP_UNREACH_NLRI twice: session reset; any other
//    attribute twice: every occurrence after the first is discarded (readers
//    take the first occurrence of a type; later ones are listed as sent);
//  - §3(c) Optional/Transitive bits that conflict with the attribute's
//    definition: treat-as-withdraw (attribute-discard for attributes whose own
//    errors are attribute-discard);
//  - an unrecognized attribute with the Optional bit clear is an unrecognized
//    well-known attribute (RFC 4271 §6.3): session reset;
//  - anything else is the attribute's own rule (its codec's `onError`).
// Nothing is dropped: a malformed attribute stays in the list as name
// MALFORMED with its complete octets.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { type Reader, take, u8, u16, WireError } from '../../wire/reader.ts'
import { type Writer, w8, w16, wbytes } from '../../wire/writer.ts'
import type { CodecContext } from '../context.ts'
import { CodecError, type ErrorAction, type Problem, type ProblemKind } from '../errors.ts'
import { attributeCodec } from './registry.ts'
import type { AttributeCodec, MalformedAttribute, PathAttribute } from './types.ts'

/** Where a decoder records problems; offsets are stored relative to `base` (the message start). */
export interface ProblemLog {
  readonly base: number
  readonly list: Problem[]
}

export function report(
  log: ProblemLog,
  kind: ProblemKind,
  action: ErrorAction,
  absoluteOffset: number,
  reason: string,
  attribute?: number,
  family?: string,
): void {
  const p: Problem = {
    kind,
    action,
    offset: absoluteOffset - log.base,
    reason,
    ...(attribute !== undefined ? { attribute } : {}),
    ...(family !== undefined ? { family } : {}),
  }
  log.list.push(p)
}

function malformed(
  r: Reader,
  code: number,
  flags: number,
  start: number,
  end: number,
  error: ProblemKind,
): MalformedAttribute {
  return { code, flags, name: 'MALFORMED', value: { error, hex: toHex(r.buf, start, end) } }
}

const FLAG_MASK = 0xc0 // Optional, Transitive

function flagsConflict(flags: number, expected: number): boolean {
  if ((flags & FLAG_MASK) !== expected) return true
  // RFC 4271 §4.3: the Partial bit is 0 for well-known and optional non-transitive attributes.
  return (flags & 0x20) !== 0 && (expected & 0x40) === 0x40 && (expected & 0x80) === 0
}

function decodeValue(
  codec: AttributeCodec,
  r: Reader,
  ctx: CodecContext,
  log: ProblemLog,
  at: number,
  flags: number,
): PathAttribute {
  try {
    const value = codec.decode(r, ctx)
    if (r.pos !== r.end) {
      throw new CodecError(codec.errorKind, `${codec.name}: ${r.end - r.pos} trailing octets`, r.pos)
    }
    return { code: codec.code, flags, name: codec.name, value } as PathAttribute
  } catch (e) {
    const kind = e instanceof CodecError ? e.kind : codec.errorKind
    const action = (e instanceof CodecError && e.action) || codec.onError
    const offset = e instanceof CodecError || e instanceof WireError ? e.offset : at
    const reason = e instanceof Error ? e.message : String(e)
    const family = e instanceof CodecError ? e.family : undefined
    report(log, kind, action, offset, reason, codec.code, family)
    return malformed(r, codec.code, flags, at, r.end, kind)
  }
}

export function decodeAttributeList(r: Reader, ctx: CodecContext, log: ProblemLog): PathAttribute[] {
  const out: PathAttribute[] = []
  // Type codes seen so far: a bit per code below 64 (every common attribute),
  // a set beyond; a typed array per UPDATE costs more than the whole lookup.
  let seenLo = 0
  let seenHi = 0
  let seenRest: Set<number> | undefined
  while (r.pos < r.end) {
    const at = r.pos
    const left = r.end - at
    const flags = r.buf[at]!
    const headerLen = flags & 0x10 ? 4 : 3
    if (left < headerLen) {
      report(
        log,
        'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
        'treat-as-withdraw',
        at,
        `${left} octets left, too few for an attribute header`,
      )
      out.push(
        malformed(
          r,
          left > 1 ? r.buf[at + 1]! : 0,
          flags,
          at,
          r.end,
          'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
        ),
      )
      r.pos = r.end
      break
    }
    r.pos++
    const code = u8(r)
    const len = headerLen === 4 ? u16(r) : u8(r)
    if (r.pos + len > r.end) {
      report(
        log,
        'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
        'treat-as-withdraw',
        at,
        `attribute ${code} of length ${len} overruns the attribute section`,
        code,
      )
      out.push(malformed(r, code, flags, at, r.end, 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST'))
      r.pos = r.end
      break
    }
    const value = take(r, len)
    // A repeat is discarded (or resets the session, for MP_REACH/MP_UNREACH),
    // but still decoded so a reader sees what was sent; only the first
    // occurrence's own faults count.
    let repeated: boolean
    if (code < 32) {
      repeated = (seenLo & (1 << code)) !== 0
      seenLo |= 1 << code
    } else if (code < 64) {
      repeated = (seenHi & (1 << (code - 32))) !== 0
      seenHi |= 1 << (code - 32)
    } else {
      seenRest ??= new Set()
      repeated = seenRest.has(code)
      seenRest.add(code)
    }
    if (repeated) {
      const mp = code === 14 || code === 15
      report(
        log,
        'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
        mp ? 'session-reset' : 'attribute-discard',
        at,
        `attribute ${code} repeated`,
        code,
      )
    }
    const own: ProblemLog = repeated ? { base: log.base, list: [] } : log
    const codec = attributeCodec(code)
    if (!codec) {
      if ((flags & 0x80) === 0) {
        report(
          own,
          'NOTIFY.UPDATE.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE',
          'session-reset',
          at,
          `unrecognized well-known attribute ${code}`,
          code,
        )
      }
      out.push({ code, flags, name: 'UNKNOWN', value: toHex(r.buf, value.pos, value.end) })
      continue
    }
    if (flagsConflict(flags, codec.flags)) {
      const action = codec.onError === 'attribute-discard' ? 'attribute-discard' : 'treat-as-withdraw'
      report(
        own,
        'NOTIFY.UPDATE.ATTRIBUTE_FLAGS_ERROR',
        action,
        at,
        `${codec.name} flags 0x${flags.toString(16)}`,
        code,
      )
    }
    out.push(decodeValue(codec, value, ctx, own, at, flags))
  }
  return out
}

function valueSize(a: PathAttribute, ctx: CodecContext): number {
  if (a.name === 'UNKNOWN') return a.value.length / 2
  const codec = attributeCodec(a.code)!
  return (codec as AttributeCodec).size(a.value as never, ctx)
}

/** The flags octet to write: as received, with Extended Length set if the value needs it. */
function headerFlags(a: PathAttribute, len: number): number {
  return len > 0xff ? a.flags | 0x10 : a.flags
}

export function attributeSize(a: PathAttribute, ctx: CodecContext): number {
  if (a.name === 'MALFORMED') return a.value.hex.length / 2
  const len = valueSize(a, ctx)
  return (headerFlags(a, len) & 0x10 ? 4 : 3) + len
}

export function encodeAttribute(w: Writer, a: PathAttribute, ctx: CodecContext): void {
  if (a.name === 'MALFORMED') {
    wbytes(w, hexOrThrow(a.value.hex, 'malformed attribute'))
    return
  }
  const len = valueSize(a, ctx)
  const flags = headerFlags(a, len)
  w8(w, flags)
  w8(w, a.code)
  if (flags & 0x10) w16(w, len)
  else w8(w, len)
  if (a.name === 'UNKNOWN') wbytes(w, hexOrThrow(a.value, 'attribute value'))
  else (attributeCodec(a.code) as AttributeCodec).encode(w, a.value as never, ctx)
}

export function attributeListSize(list: readonly PathAttribute[], ctx: CodecContext): number {
  let n = 0
  for (const a of list) n += attributeSize(a, ctx)
  return n
}

export function encodeAttributeList(w: Writer, list: readonly PathAttribute[], ctx: CodecContext): void {
  for (const a of list) encodeAttribute(w, a, ctx)
}
