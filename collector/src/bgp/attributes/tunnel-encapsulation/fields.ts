// Field codecs shared by the tunnel encapsulation sub-TLVs (and the Prefix-SID
// attribute's SRv6 TLVs): MPLS label stack entries, SRv6 SIDs and their
// structure, MAC addresses, UTF-8 names, and length checks. A length a
// sub-TLV's syntax does not allow makes the attribute malformed.

import { formatIPv6, parseIPv6 } from '../../../wire/ip.ts'
import { bytes, type Reader, u8, u16, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w32, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import type { LabelEntry, Srv6SidStructure } from './types.ts'

export function malformed(reason: string, at: number): CodecError {
  return new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', reason, at)
}

/** Throws unless the value r holds is one of the allowed lengths; returns the length. */
export function lengthIn(r: Reader, allowed: readonly number[], what: string): number {
  const len = r.end - r.pos
  if (!allowed.includes(len))
    throw malformed(`${what} of ${len} octets (allowed: ${allowed.join(', ')})`, r.pos)
  return len
}

/** Spreads `{ reserved }` into a value only when it is not zero. */
export function reservedIf(reserved: number): { reserved?: number } {
  return reserved ? { reserved } : {}
}

export function readLabelEntry(r: Reader): LabelEntry {
  const v = u32(r)
  return { label: Math.floor(v / 4096), tc: (v >>> 9) & 7, s: ((v >>> 8) & 1) === 1, ttl: v & 0xff }
}

export function writeLabelEntry(w: Writer, e: LabelEntry): void {
  if (e.label > 0xfffff || e.tc > 7 || e.ttl > 0xff) {
    throw malformed(`label stack entry ${e.label}/${e.tc}/${e.ttl} out of range`, w.pos)
  }
  w32(w, e.label * 4096 + ((e.tc << 9) | (e.s ? 0x100 : 0) | e.ttl))
}

export function labelEntryOf(e: LabelEntry): LabelEntry {
  return { label: e.label, tc: e.tc, s: e.s, ttl: e.ttl }
}

export function readSid(r: Reader): string {
  return formatIPv6(bytes(r, 16), 0)
}

export function writeSid(w: Writer, sid: string): void {
  const b = parseIPv6(sid)
  if (!b) throw malformed(`not an SRv6 SID: ${sid}`, w.pos)
  wbytes(w, b)
}

/** Endpoint behavior (2), reserved (2), LB, LN, function and argument lengths (1 each): 8 octets. */
export function readSidStructure(r: Reader): Srv6SidStructure {
  const endpointBehavior = u16(r)
  const reserved = u16(r)
  return {
    endpointBehavior,
    locatorBlockLength: u8(r),
    locatorNodeLength: u8(r),
    functionLength: u8(r),
    argumentLength: u8(r),
    ...reservedIf(reserved),
  }
}

export function writeSidStructure(w: Writer, s: Srv6SidStructure): void {
  w16(w, s.endpointBehavior)
  w16(w, s.reserved ?? 0)
  w8(w, s.locatorBlockLength)
  w8(w, s.locatorNodeLength)
  w8(w, s.functionLength)
  w8(w, s.argumentLength)
}

export function formatMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':')
}

export function parseMac(s: string): Uint8Array {
  const parts = s.split(':')
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw malformed(`not a MAC address: ${s}`, 0)
  }
  return Uint8Array.from(parts, (p) => Number.parseInt(p, 16))
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const UTF8_OUT = new TextEncoder()

/** The octets as text, or undefined when they are not valid UTF-8 (the caller keeps them raw). */
export function utf8(b: Uint8Array): string | undefined {
  try {
    return UTF8.decode(b)
  } catch {
    return undefined
  }
}

export function utf8Bytes(s: string): Uint8Array {
  return UTF8_OUT.encode(s)
}
