// The message header (RFC 4271 §4.1):
//
//   +-----------------------------------+
//   | Marker (16 octets, all ones)      |
//   | Length (2) | Type (1)             |
//   +-----------------------------------+
//
// Length covers the whole message: 19..4096, or up to 65535 once extended
// messages are negotiated (RFC 8654 §4; OPEN and KEEPALIVE stay ≤ 4096).

import { BGP_HEADER_LENGTH, BGP_MAX_EXTENDED_MESSAGE_LENGTH, BGP_MAX_MESSAGE_LENGTH } from '../constants.ts'
import { CodecError } from '../errors.ts'

export interface MessageHeader {
  readonly length: number
  readonly type: number
}

/**
 * Reads and checks the header at buf[off..]. Returns undefined when fewer than
 * 19 octets are there (a stream framer waits for more); throws a CodecError for
 * a header no amount of further data can mend.
 */
export function readHeader(
  buf: Uint8Array,
  off: number,
  extendedMessage: boolean,
): MessageHeader | undefined {
  if (buf.length - off < BGP_HEADER_LENGTH) return undefined
  for (let i = 0; i < 16; i++) {
    if (buf[off + i] !== 0xff) {
      throw new CodecError(
        'NOTIFY.HEADER.CONNECTION_NOT_SYNCHRONIZED',
        'marker is not all ones',
        off + i,
        'session-reset',
      )
    }
  }
  const length = (buf[off + 16]! << 8) | buf[off + 17]!
  const type = buf[off + 18]!
  const max =
    extendedMessage && type !== 1 && type !== 4 ? BGP_MAX_EXTENDED_MESSAGE_LENGTH : BGP_MAX_MESSAGE_LENGTH
  if (length < BGP_HEADER_LENGTH || length > max) {
    throw new CodecError(
      'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
      `message length ${length} outside ${BGP_HEADER_LENGTH}..${max}`,
      off + 16,
      'session-reset',
    )
  }
  return { length, type }
}

export function writeHeader(buf: Uint8Array, off: number, length: number, type: number): void {
  buf.fill(0xff, off, off + 16)
  buf[off + 16] = length >>> 8
  buf[off + 17] = length & 0xff
  buf[off + 18] = type
}
