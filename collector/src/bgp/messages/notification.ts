// NOTIFICATION, message type 3 (RFC 4271 §4.5):
//
//   +------------------+-------------------+------------------+
//   | Error code (1)   | Error subcode (1) | Data (variable)  |
//   +------------------+-------------------+------------------+
//
// Codes and subcodes are named from the IANA registry (errors.ts). For Cease /
// Administrative Shutdown and Administrative Reset the data is a shutdown
// communication (RFC 9003: a length octet and up to 255 octets of UTF-8); for
// Cease / Hard Reset it is the code, subcode and data of the reason (RFC 8538).
// Derived fields are for reading; encoding uses code, subcode and data only.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { type Reader, rest, u8 } from '../../wire/reader.ts'
import { type Writer, w8, wbytes } from '../../wire/writer.ts'
import { notificationNames } from '../errors.ts'

export interface NotificationMessage {
  readonly type: 'NOTIFICATION'
  readonly code: number
  readonly subcode: number
  readonly data: string
  readonly codeName?: string
  readonly subcodeName?: string
  /** RFC 9003 shutdown communication, when the data carries a well-formed one. */
  readonly shutdownMessage?: string
  /** RFC 8538: the NOTIFICATION that caused a Hard Reset. */
  readonly hardReset?: {
    readonly code: number
    readonly subcode: number
    readonly data: string
    readonly codeName?: string
    readonly subcodeName?: string
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function shutdownMessage(data: Uint8Array): string | undefined {
  if (data.length === 0 || data[0] !== data.length - 1) return undefined
  try {
    return utf8.decode(data.subarray(1))
  } catch {
    return undefined
  }
}

export function decodeNotificationBody(r: Reader): NotificationMessage {
  const code = u8(r)
  const subcode = u8(r)
  const data = rest(r)
  const base = {
    type: 'NOTIFICATION' as const,
    code,
    subcode,
    data: toHex(data),
    ...notificationNames(code, subcode),
  }
  if (code === 6 && (subcode === 2 || subcode === 4)) {
    const text = shutdownMessage(data)
    return text !== undefined ? { ...base, shutdownMessage: text } : base
  }
  if (code === 6 && subcode === 9 && data.length >= 2) {
    const inner = { code: data[0]!, subcode: data[1]!, data: toHex(data, 2) }
    return { ...base, hardReset: { ...inner, ...notificationNames(inner.code, inner.subcode) } }
  }
  return base
}

export function notificationBodySize(n: NotificationMessage): number {
  return 2 + n.data.length / 2
}

export function encodeNotificationBody(w: Writer, n: NotificationMessage): void {
  w8(w, n.code)
  w8(w, n.subcode)
  wbytes(w, hexOrThrow(n.data, 'NOTIFICATION data'))
}

const encoder = new TextEncoder()

/** A NOTIFICATION with an RFC 9003 shutdown communication (truncated to 255 octets on a character boundary). */
export function shutdownNotification(subcode: 2 | 4, message: string): NotificationMessage {
  let b = encoder.encode(message)
  if (b.length > 255) {
    b = b.subarray(0, 255)
    while (b.length && (b[b.length - 1]! & 0xc0) === 0x80) b = b.subarray(0, b.length - 1)
    if (b.length && b[b.length - 1]! >= 0xc0) b = b.subarray(0, b.length - 1)
  }
  const data = new Uint8Array(1 + b.length)
  data[0] = b.length
  data.set(b, 1)
  return decodeNotificationBody({ buf: Uint8Array.of(6, subcode, ...data), pos: 0, end: 2 + data.length })
}
