// The common header of every BMP message (RFC 7854 §4.1):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |    Version    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        Message Length                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Msg. Type   |
//   +---------------+
//
// The length counts the whole message, this header included.

import { BMP_COMMON_HEADER_LENGTH, BMP_VERSION } from './constants.ts'
import { BmpError } from './errors.ts'

export interface BmpHeader {
  readonly version: number
  readonly length: number
  readonly type: number
}

/**
 * Reads the header at buf[off..]. Returns undefined when fewer than 6 octets
 * are there (a stream waits for more); throws a BmpError for a header no
 * further data can mend (a version other than 3, a length under 6).
 */
export function readBmpHeader(buf: Uint8Array, off: number, end = buf.length): BmpHeader | undefined {
  if (end - off < BMP_COMMON_HEADER_LENGTH) return undefined
  const version = buf[off]!
  if (version !== BMP_VERSION)
    throw new BmpError('BMP.BAD_VERSION', `version ${version}, not ${BMP_VERSION}`, off)
  const length = buf[off + 1]! * 0x1000000 + ((buf[off + 2]! << 16) | (buf[off + 3]! << 8) | buf[off + 4]!)
  if (length < BMP_COMMON_HEADER_LENGTH)
    throw new BmpError('BMP.BAD_LENGTH', `message length ${length}, shorter than its header`, off + 1)
  return { version, length, type: buf[off + 5]! }
}

export function writeBmpHeader(buf: Uint8Array, off: number, length: number, type: number): void {
  buf[off] = BMP_VERSION
  buf[off + 1] = length >>> 24
  buf[off + 2] = (length >>> 16) & 0xff
  buf[off + 3] = (length >>> 8) & 0xff
  buf[off + 4] = length & 0xff
  buf[off + 5] = type
}
