// MPLS label stacks inside NLRI (RFC 8277 §2, RFC 3032 entries of 3 octets:
// 20-bit label, 3-bit TC, 1-bit S). The stack ends at the entry with S set; in
// withdrawals the compatibility value 0x800000 (and 0x000000, which some
// speakers send, RFC 8277 §2.4) also ends it.

import { type Reader, u24 } from '../../wire/reader.ts'
import { type Writer, w24 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import type { Labels } from './types.ts'

/** Reads a label stack; returns it and the bits left of the NLRI length after it. */
export function readLabels(r: Reader, bits: number, withdraw: boolean): { labels: Labels; bits: number } {
  const values: number[] = []
  const flags: number[] = []
  let left = bits
  for (;;) {
    if (left < 24) {
      throw new CodecError(
        'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        'label stack without bottom-of-stack bit',
        r.pos,
      )
    }
    const entry = u24(r)
    left -= 24
    values.push(entry >>> 4)
    flags.push(entry & 0xf)
    if (entry & 1) break
    if (withdraw && (entry === 0x800000 || entry === 0)) break
  }
  const usual = flags.every((f, i) => f === (i === flags.length - 1 ? 1 : 0))
  return { labels: usual ? { labels: values } : { labels: values, labelFlags: flags }, bits: left }
}

/** The NLRI length octet (RFC 8277 §2: bits of labels, RD and prefix); a typed error if it does not fit. */
export function nlriLengthOctet(bits: number): number {
  if (bits > 255) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `NLRI of ${bits} bits does not fit its length octet`,
      0,
    )
  }
  return bits
}

export function labelsSize(l: Labels): number {
  return 3 * l.labels.length
}

export function writeLabels(w: Writer, l: Labels): void {
  const n = l.labels.length
  for (let i = 0; i < n; i++) {
    const f = l.labelFlags ? l.labelFlags[i]! : i === n - 1 ? 1 : 0
    w24(w, ((l.labels[i]! << 4) | (f & 0xf)) >>> 0)
  }
}
