// Splits a TCP byte stream into BGP messages (RFC 4271 §4.1 header: 16-octet
// marker, 2-octet length, 1-octet type).
//
// Zero-copy where it can be: every message that lies whole inside one received
// chunk is handed out as a view of that chunk. Only a message cut by a chunk
// boundary is assembled in a buffer owned by the framer, and only its own
// octets are copied. A view is valid until `push` returns; a consumer that
// keeps the octets copies them (the RIB interns attribute bytes, sinks copy
// the raw message once). Views are plain Uint8Arrays even when the chunk is a
// Buffer: cheaper to make, and their slice() copies (a Buffer's does not).
//
// Like a resumable parser, the framer keeps no state but the partial message,
// so any split of the stream yields the same messages (tested at every offset).
// A broken header (marker not all ones, a length outside 19..max) cannot be
// resynchronised: the framer reports it once, with the RFC 4271 §6.1 data, and
// then refuses further input.

import {
  BGP_HEADER_LENGTH,
  BGP_MAX_EXTENDED_MESSAGE_LENGTH,
  BGP_MAX_MESSAGE_LENGTH,
  type NotificationMessage,
} from '../bgp/index.ts'
import { notify } from './fsm.ts'

export interface FrameError {
  readonly reason: string
  readonly notification: NotificationMessage
}

export type MessageSink = (message: Uint8Array) => void

const OPEN = 1
const KEEPALIVE = 4

export class Framer {
  /** RFC 8654: UPDATE, NOTIFICATION and ROUTE-REFRESH may reach 65535 octets once negotiated. */
  extendedMessage = false
  private partial: Uint8Array = new Uint8Array(BGP_MAX_MESSAGE_LENGTH)
  private partialLength = 0
  private failed: FrameError | undefined
  /** Messages handed out so far. */
  messages = 0

  get error(): FrameError | undefined {
    return this.failed
  }

  /** Octets held back waiting for the rest of a message. */
  get buffered(): number {
    return this.partialLength
  }

  /**
   * Hands every complete message in `chunk` (plus what was held back) to
   * `sink`, in order. Returns the error that stopped framing, if any; after an
   * error nothing more is framed. The sink may throw: framing stops there and
   * the exception propagates (the unconsumed rest of the chunk is dropped).
   */
  push(chunk: Uint8Array, sink: MessageSink): FrameError | undefined {
    if (this.failed) return this.failed
    let pos = 0
    const end = chunk.length
    if (this.partialLength > 0) {
      pos = this.complete(chunk, sink)
      if (pos < 0) return this.failed
      if (this.partialLength > 0) return undefined // still incomplete: all of chunk was taken
    }
    while (end - pos >= BGP_HEADER_LENGTH) {
      const length = this.check(chunk, pos)
      if (length < 0) return this.failed
      if (end - pos < length) break
      this.messages++
      sink(new Uint8Array(chunk.buffer, chunk.byteOffset + pos, length))
      pos += length
    }
    if (pos < end) this.hold(chunk, pos, end)
    return undefined
  }

  /** The length of the message whose header is at buf[at..], or -1 after recording an error. */
  private check(buf: Uint8Array, at: number): number {
    for (let i = 0; i < 16; i++) {
      if (buf[at + i] !== 0xff) {
        return this.fail('marker is not all ones', notify('NOTIFY.HEADER.CONNECTION_NOT_SYNCHRONIZED'))
      }
    }
    const length = (buf[at + 16]! << 8) | buf[at + 17]!
    const type = buf[at + 18]!
    const max =
      this.extendedMessage && type !== OPEN && type !== KEEPALIVE
        ? BGP_MAX_EXTENDED_MESSAGE_LENGTH
        : BGP_MAX_MESSAGE_LENGTH
    if (length < BGP_HEADER_LENGTH || length > max) {
      // §6.1: the Data field is the erroneous Length field.
      return this.fail(
        `message length ${length} outside ${BGP_HEADER_LENGTH}..${max}`,
        notify('NOTIFY.HEADER.BAD_MESSAGE_LENGTH', Uint8Array.of(length >>> 8, length & 0xff)),
      )
    }
    return length
  }

  private fail(reason: string, notification: NotificationMessage): number {
    this.failed = { reason, notification }
    this.partialLength = 0
    return -1
  }

  private hold(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from
    if (this.partialLength + n > this.partial.length) this.grow(this.partialLength + n)
    this.partial.set(chunk.subarray(from, to), this.partialLength)
    this.partialLength += n
  }

  private grow(n: number): void {
    const next = new Uint8Array(
      Math.max(n, Math.min(BGP_MAX_EXTENDED_MESSAGE_LENGTH, this.partial.length * 2)),
    )
    next.set(this.partial.subarray(0, this.partialLength))
    this.partial = next
  }

  /**
   * Completes the held-back message from the start of `chunk`. Returns the
   * offset in chunk after it, chunk.length when chunk was not enough, or -1 on
   * a header error.
   */
  private complete(chunk: Uint8Array, sink: MessageSink): number {
    let pos = 0
    if (this.partialLength < BGP_HEADER_LENGTH) {
      const need = Math.min(BGP_HEADER_LENGTH - this.partialLength, chunk.length)
      this.partial.set(chunk.subarray(0, need), this.partialLength)
      this.partialLength += need
      pos = need
      if (this.partialLength < BGP_HEADER_LENGTH) return chunk.length
    }
    const length = this.check(this.partial, 0)
    if (length < 0) return -1
    if (length > this.partial.length) this.grow(length)
    const need = Math.min(length - this.partialLength, chunk.length - pos)
    this.partial.set(chunk.subarray(pos, pos + need), this.partialLength)
    this.partialLength += need
    pos += need
    if (this.partialLength < length) return chunk.length
    this.partialLength = 0
    this.messages++
    sink(this.partial.subarray(0, length))
    return pos
  }
}
