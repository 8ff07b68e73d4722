// Trie keys: a prefix as big-endian 32-bit words and a length in bits, host
// bits cleared. IPv4 is one word, IPv6 four; a VPN route is its 8-octet route
// distinguisher (two words) followed by the address words, its length 64 plus
// the prefix length (RFC 4364 §4.1: the RD makes the VPN-IPv4 address), so a
// trie lookup under one RD never reaches another.

import { toHex } from '../wire/hex.ts'
import { formatIPv4, formatIPv6, parseIPv6 } from '../wire/ip.ts'
import { formatRD, parseRD } from '../wire/rd.ts'

/** Parses "a.b.c.d/len" (or an address, as /32) into k[at] and returns the length, or -1. */
function parseIPv4Into(s: string, k: Uint32Array, at: number, allowAddress: boolean): number {
  let addr = 0
  let octet = 0
  let digits = 0
  let dots = 0
  let i = 0
  const n = s.length
  for (; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48)
      if (++digits > 3 || octet > 255) return -1
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1
      addr = (addr << 8) | octet
      octet = 0
      digits = 0
    } else break
  }
  if (digits === 0 || dots !== 3) return -1
  addr = ((addr << 8) | octet) >>> 0
  let len = 32
  if (i < n) {
    if (s.charCodeAt(i) !== 47 || i + 1 === n || n - i > 3) return -1
    len = 0
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c < 48 || c > 57) return -1
      len = len * 10 + (c - 48)
    }
    if (len > 32) return -1
  } else if (!allowAddress) return -1
  k[at] = len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0
  return len
}

const GROUPS = new Uint32Array(8)

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Groups of an RFC 4291 §2.2 address text s[0..end) into GROUPS; false if it is not one. */
function parseGroups(s: string, end: number): boolean {
  let gi = 0
  let gap = -1
  let val = 0
  let digits = 0
  let i = 0
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false
    gap = 0
    i = 2
  }
  while (i < end) {
    const c = s.charCodeAt(i)
    const d = hexDigit(c)
    if (d >= 0) {
      if (++digits > 4) return false
      val = (val << 4) | d
      i++
      continue
    }
    if (c === 46) {
      // An embedded IPv4 tail (::ffff:192.0.2.1): rare, the general parser has it.
      const b = parseIPv6(s.slice(0, end))
      if (!b) return false
      for (let g = 0; g < 8; g++) GROUPS[g] = (b[g * 2]! << 8) | b[g * 2 + 1]!
      return true
    }
    if (c !== 58 || digits === 0 || gi >= 8) return false
    GROUPS[gi++] = val
    val = 0
    digits = 0
    i++
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false
      gap = gi
      i++
    } else if (i === end) return false
  }
  if (digits > 0) {
    if (gi >= 8) return false
    GROUPS[gi++] = val
  } else if (gap !== gi) return false
  if (gap < 0) return gi === 8
  if (gi > 7) return false
  const tail = gi - gap
  for (let g = 0; g < tail; g++) GROUPS[7 - g] = GROUPS[gi - 1 - g]!
  for (let g = gap; g < 8 - tail; g++) GROUPS[g] = 0
  return true
}

function parseIPv6Into(s: string, k: Uint32Array, at: number, allowAddress: boolean): number {
  let slash = s.indexOf('/')
  if (slash < 0) {
    if (!allowAddress) return -1
    slash = s.length
  }
  if (slash === 0 || !parseGroups(s, slash)) return -1
  let len = 128
  if (slash < s.length) {
    const n = s.length
    if (n - slash < 2 || n - slash > 4) return -1
    len = 0
    for (let i = slash + 1; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c < 48 || c > 57) return -1
      len = len * 10 + (c - 48)
    }
    if (len > 128) return -1
  }
  for (let w = 0; w < 4; w++) {
    const word = ((GROUPS[w * 2]! << 16) | GROUPS[w * 2 + 1]!) >>> 0
    const keep = len - w * 32
    k[at + w] = keep >= 32 ? word : keep <= 0 ? 0 : (word & (0xffffffff << (32 - keep))) >>> 0
  }
  return len
}

/** Parses a prefix (or, with allowAddress, an address) of an IP version into k from `at`; returns its length or -1. */
export function parsePrefixInto(
  s: string,
  v6: boolean,
  k: Uint32Array,
  at: number,
  allowAddress = false,
): number {
  return v6 ? parseIPv6Into(s, k, at, allowAddress) : parseIPv4Into(s, k, at, allowAddress)
}

/** Parses an RD's text into k[0], k[1]; false if it is not one. */
export function parseRdInto(rd: string, k: Uint32Array): boolean {
  const b = parseRD(rd)
  if (!b) return false
  k[0] = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
  k[1] = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0
  return true
}

const V6 = new Uint8Array(16)
const RD = new Uint8Array(8)

/** The text of the prefix in k[at..] of `len` bits. */
export function formatPrefixWords(k: Uint32Array, at: number, len: number, v6: boolean): string {
  if (!v6) {
    const a = k[at]!
    return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}/${len}`
  }
  for (let w = 0; w < 4; w++) {
    const x = k[at + w]!
    V6[w * 4] = x >>> 24
    V6[w * 4 + 1] = (x >>> 16) & 0xff
    V6[w * 4 + 2] = (x >>> 8) & 0xff
    V6[w * 4 + 3] = x & 0xff
  }
  return `${formatIPv6(V6)}/${len}`
}

export function formatRdWords(k: Uint32Array, at: number): string {
  for (let w = 0; w < 2; w++) {
    const x = k[at + w]!
    RD[w * 4] = x >>> 24
    RD[w * 4 + 1] = (x >>> 16) & 0xff
    RD[w * 4 + 2] = (x >>> 8) & 0xff
    RD[w * 4 + 3] = x & 0xff
  }
  return formatRD(RD, 0)
}

/** Next hop octets as text, by length (see AttributeSet.nextHop). */
export function formatNextHop(b: Uint8Array): string[] {
  switch (b.length) {
    case 0:
      return []
    case 4:
      return [formatIPv4(b, 0)]
    case 16:
      return [formatIPv6(b, 0)]
    case 32:
      return [formatIPv6(b, 0), formatIPv6(b, 16)]
    case 12:
      return [withRd(b, 0, formatIPv4(b, 8))]
    case 24:
      return [withRd(b, 0, formatIPv6(b, 8))]
    case 48:
      return [withRd(b, 0, formatIPv6(b, 8)), withRd(b, 24, formatIPv6(b, 32))]
    default:
      return [`0x${toHex(b)}`]
  }
}

function withRd(b: Uint8Array, at: number, address: string): string {
  for (let i = at; i < at + 8; i++) if (b[i] !== 0) return `${formatRD(b, at)} ${address}`
  return address
}

/**
 * Reads a prefix of `bits` bits as it is on the wire (RFC 4271 §4.3: just
 * enough octets) from buf[p..end) into k[0..words), host bits cleared;
 * returns the offset after it. RangeError if it does not fit.
 */
export function readPrefixInto(
  buf: Uint8Array,
  p: number,
  end: number,
  bits: number,
  k: Uint32Array,
  words: number,
): number {
  const nb = (bits + 7) >>> 3
  if (bits > words * 32 || p + nb > end) throw new RangeError('rib: NLRI prefix overruns its field')
  for (let w = 0; w < words; w++) {
    const at = p + w * 4
    const left = nb - w * 4
    let x = 0
    if (left > 0) x = buf[at]! << 24
    if (left > 1) x |= buf[at + 1]! << 16
    if (left > 2) x |= buf[at + 2]! << 8
    if (left > 3) x |= buf[at + 3]!
    const keep = bits - w * 32
    k[w] = keep >= 32 ? x >>> 0 : keep <= 0 ? 0 : (x & (0xffffffff << (32 - keep))) >>> 0
  }
  return p + nb
}
