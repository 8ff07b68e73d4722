// BGP-LS TLVs (RFC 9552 §5.1), the one layout of every descriptor, sub-TLV
// and attribute TLV:
//
//   +-------------------------------+-------------------------------+
//   |         Type (2 octets)       |        Length (2 octets)      |
//   +-------------------------------+-------------------------------+
//   |                     Value (Length octets)                     |
//   +---------------------------------------------------------------+
//
// A list is read to the end of its reader; each value goes to the codec the
// scope names for its type, which must consume it exactly (RFC 9552 §8.2.2:
// a recognized TLV of the wrong length is malformed). Unknown types keep their
// octets. Errors are CodecErrors of kind OPTIONAL_ATTRIBUTE_ERROR (RFC 4760
// §7, RFC 4271 §6.3): the family and the attribute decide the action.

import { fromHex, toHex } from '../../../wire/hex.ts'
import { bytes, type Reader, take, u16, WireError } from '../../../wire/reader.ts'
import { type Writer, w16, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import type { BgpLsKnownTlv, BgpLsTlvCodec, BgpLsTlvScope, UnknownBgpLsTlv } from './types.ts'

type AnyTlv = BgpLsKnownTlv<string, unknown> | UnknownBgpLsTlv

/** A malformed BGP-LS field. */
export function malformed(reason: string, offset = 0): CodecError {
  return new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', reason, offset)
}

/** Throws unless the value r[pos..end) is exactly n octets. */
export function valueLength(r: Reader, name: string, ...allowed: number[]): number {
  const len = r.end - r.pos
  if (!allowed.includes(len)) {
    throw malformed(`${name} of ${len} octets, expected ${allowed.join(' or ')}`, r.pos)
  }
  return len
}

/** Throws unless the value length is a multiple of n. */
export function valueMultiple(r: Reader, name: string, n: number): number {
  const len = r.end - r.pos
  if (len % n !== 0) throw malformed(`${name} of ${len} octets, not a multiple of ${n}`, r.pos)
  return len / n
}

/** Reads one TLV at r.pos. */
export function decodeTlv<T extends AnyTlv = AnyTlv>(r: Reader, scope: BgpLsTlvScope): T {
  const at = r.pos
  if (r.end - at < 4) throw malformed(`${r.end - at} octets left, too few for a TLV header`, at)
  const type = u16(r)
  const len = u16(r)
  if (r.pos + len > r.end) {
    throw malformed(`TLV ${type} of length ${len} overruns its container by ${r.pos + len - r.end}`, at)
  }
  const v = take(r, len)
  const codec = scope.codec(type)
  if (!codec) return { type, hex: toHex(bytes(v, len)) } as T
  let value: unknown
  try {
    value = codec.decode(v, scope)
  } catch (e) {
    // A short read inside a value is that TLV's malformation, reported as such.
    if (e instanceof WireError) throw malformed(`${codec.name}: ${e.message}`, e.offset)
    throw e
  }
  if (v.pos !== v.end) throw malformed(`${codec.name}: ${v.end - v.pos} trailing octets`, v.pos)
  return { type, name: codec.name, value } as T
}

/** Reads TLVs to the end of r. */
export function decodeTlvs<T extends AnyTlv = AnyTlv>(r: Reader, scope: BgpLsTlvScope): T[] {
  const out: T[] = []
  while (r.pos < r.end) out.push(decodeTlv<T>(r, scope))
  return out
}

function knownCodec(t: BgpLsKnownTlv<string, unknown>, scope: BgpLsTlvScope): BgpLsTlvCodec {
  const codec = scope.codec(t.type)
  if (!codec || codec.name !== t.name) {
    throw malformed(`TLV ${t.type} named ${t.name} is not ${codec ? codec.name : 'known here'}`)
  }
  return codec
}

function valueSize(t: AnyTlv, scope: BgpLsTlvScope): number {
  if ('hex' in t) return t.hex.length >> 1
  const n = knownCodec(t, scope).size(t.value, scope)
  if (n > 0xffff) throw malformed(`${t.name} of ${n} octets does not fit a TLV`)
  return n
}

export function tlvSize(t: AnyTlv, scope: BgpLsTlvScope): number {
  return 4 + valueSize(t, scope)
}

export function tlvsSize(list: readonly AnyTlv[], scope: BgpLsTlvScope): number {
  let n = 0
  for (const t of list) n += tlvSize(t, scope)
  return n
}

export function encodeTlv(w: Writer, t: AnyTlv, scope: BgpLsTlvScope): void {
  w16(w, t.type)
  w16(w, valueSize(t, scope))
  if ('hex' in t) {
    const b = fromHex(t.hex)
    if (!b) throw malformed(`TLV ${t.type}: hex is not hex`)
    wbytes(w, b)
  } else knownCodec(t, scope).encode(w, t.value, scope)
}

export function encodeTlvs(w: Writer, list: readonly AnyTlv[], scope: BgpLsTlvScope): void {
  for (const t of list) encodeTlv(w, t, scope)
}

/** A registry of TLV codecs keyed by type; rejects a type or a name registered twice. */
export function tlvTable(list: readonly BgpLsTlvCodec[]): ReadonlyMap<number, BgpLsTlvCodec> {
  const m = new Map<number, BgpLsTlvCodec>()
  const names = new Set<string>()
  for (const c of list) {
    if (m.has(c.code) || names.has(c.name)) throw new Error(`BGP-LS TLV ${c.code} ${c.name} registered twice`)
    m.set(c.code, c)
    names.add(c.name)
  }
  return m
}

/** The first TLV of a name in a list, with its value type. */
export function findTlv<T extends AnyTlv, N extends string>(
  list: readonly T[],
  name: N,
): Extract<T, { name: N }> | undefined {
  for (const t of list) if ('name' in t && t.name === name) return t as Extract<T, { name: N }>
  return undefined
}
