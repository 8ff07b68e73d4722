// Fields shared by the BGP-LS attribute TLVs: flag letters, IEEE floats,
// SID/label values, names, opaque octets. See types.ts for the conventions.

import { fromHex, toHex } from '../../../wire/hex.ts'
import { bytes, type Reader, rest, u8, u16, u24, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w24, w32, wbytes } from '../../../wire/writer.ts'
import { uint } from '../../nlri/bgp-ls/fields.ts'
import { malformed } from '../../nlri/bgp-ls/tlv.ts'
import type { BgpLsFloat32, BgpLsSidLabel, BgpLsText } from './types.ts'

/** Names of a flags field's bits, most significant first; undefined for a bit without a name. */
export type FlagNames = readonly (string | undefined)[]

/** The letters of the set bits of a `bits`-wide flags field; a bit without a name is "bitN". */
export function flagList(value: number, bits: 8 | 16, names: FlagNames): string[] {
  const out: string[] = []
  for (let i = 0; i < bits; i++) {
    if (value & (1 << (bits - 1 - i))) out.push(names[i] ?? `bit${i}`)
  }
  return out
}

/** The flags field of a list of letters; an unknown letter is a typed error. */
export function flagValue(list: readonly string[], bits: 8 | 16, names: FlagNames, what: string): number {
  let v = 0
  for (const f of list) {
    let i = names.indexOf(f)
    if (i < 0 && typeof f === 'string' && /^bit\d{1,2}$/.test(f)) i = Number(f.slice(3))
    if (i < 0 || i >= bits) throw malformed(`${what}: no flag ${String(f)}`)
    v |= 1 << (bits - 1 - i)
  }
  return v
}

export function readFlags(r: Reader, bits: 8 | 16, names: FlagNames): string[] {
  return flagList(bits === 8 ? u8(r) : u16(r), bits, names)
}

export function writeFlags(
  w: Writer,
  list: readonly string[],
  bits: 8 | 16,
  names: FlagNames,
  what: string,
): void {
  const v = flagValue(list, bits, names, what)
  if (bits === 8) w8(w, v)
  else w16(w, v)
}

// One scratch cell for float conversions: no allocation per value.
const F32 = new DataView(new ArrayBuffer(4))

export function readFloat32(r: Reader): BgpLsFloat32 {
  const b = bytes(r, 4)
  for (let i = 0; i < 4; i++) F32.setUint8(i, b[i]!)
  const v = F32.getFloat32(0)
  return Number.isFinite(v) && !Object.is(v, -0) ? v : { hex: toHex(b) }
}

export function writeFloat32(w: Writer, v: BgpLsFloat32, what: string): void {
  if (typeof v === 'number') {
    F32.setFloat32(0, v)
    if (F32.getFloat32(0) !== v) throw malformed(`${what} ${v} is not a 32-bit float`)
    w32(w, F32.getUint32(0))
    return
  }
  const b = fromHex(v.hex)
  if (b?.length !== 4) throw malformed(`${what}: not 4 octets of hex`)
  wbytes(w, b)
}

/** A SID/label field of `len` octets: 3 a label, 4 an index (RFC 9085 §2.1.1). */
export function readSidLabel(r: Reader, len: number): BgpLsSidLabel {
  return len === 3 ? { label: u24(r) } : { index: u32(r) }
}

export function sidLabelSize(v: BgpLsSidLabel): 3 | 4 {
  return 'label' in v ? 3 : 4
}

export function writeSidLabel(w: Writer, v: BgpLsSidLabel): void {
  if ('label' in v) w24(w, uint(v.label, 24, 'label'))
  else if ('index' in v) w32(w, uint(v.index, 32, 'SID index'))
  else throw malformed('SID/label without a label or an index')
}

/** A reserved field kept only when not zero. */
export function reserved(v: number): { reserved?: number } {
  return v === 0 ? {} : { reserved: v }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const UTF8_OUT = new TextEncoder()

export function readText(r: Reader): BgpLsText {
  const b = rest(r)
  try {
    return UTF8.decode(b)
  } catch {
    return { hex: toHex(b) }
  }
}

function textBytes(v: BgpLsText): Uint8Array {
  if (typeof v === 'string') return UTF8_OUT.encode(v)
  const b = fromHex(v.hex)
  if (!b) throw malformed('name: hex is not hex')
  return b
}

export function textSize(v: BgpLsText): number {
  return textBytes(v).length
}

export function writeText(w: Writer, v: BgpLsText): void {
  wbytes(w, textBytes(v))
}

/** Opaque octets as hex. */
export function readHex(r: Reader): string {
  return toHex(rest(r))
}

export function writeHex(w: Writer, v: string, what: string): void {
  const b = fromHex(v)
  if (!b) throw malformed(`${what}: not hex`)
  wbytes(w, b)
}
