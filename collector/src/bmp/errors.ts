// One error type for BMP input that cannot be read as BMP. Kinds (stable
// strings, for logs and counters):
//
//   BMP.TRUNCATED      the input ends inside a message (a stream cut short)
//   BMP.BAD_VERSION    a common header whose version is not 3 (RFC 7854 §4.1)
//   BMP.BAD_LENGTH     a message length shorter than the message's own fields
//   BMP.MALFORMED      the body does not parse as its type says (a TLV or a
//                      BGP PDU running past the end, a bad address…)
//
// Every error names the offset of the message in the input and of the fault.
// Decoders throw BmpError (or the wire reader's WireError) inside; the public
// decode (message.ts) returns them, never throws.

export type BmpErrorKind = 'BMP.TRUNCATED' | 'BMP.BAD_VERSION' | 'BMP.BAD_LENGTH' | 'BMP.MALFORMED'

export class BmpError extends Error {
  readonly kind: BmpErrorKind
  /** Offset of the fault in the input. */
  readonly offset: number
  readonly reason: string
  constructor(kind: BmpErrorKind, reason: string, offset: number) {
    super(`${kind} at offset ${offset}: ${reason}`)
    this.name = 'BmpError'
    this.kind = kind
    this.offset = offset
    this.reason = reason
  }
}
