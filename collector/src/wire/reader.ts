// A bounds-checked cursor over a byte buffer. Decoders take a Reader, never a raw
// buffer, so nothing can read past a declared length: `take(n)` hands out a
// sub-reader limited to n bytes and advances the parent past them.
//
// Bounds are checked explicitly before every read; a short read throws a
// WireError carrying the absolute offset, which the message decoders turn into
// a typed problem. Reads use byte arithmetic rather than DataView: V8 compiles
// both to the same loads, and this keeps a Reader at three fields.

export class WireError extends Error {
  readonly kind: 'truncated' | 'overflow' | 'invalid'
  readonly offset: number
  constructor(kind: 'truncated' | 'overflow' | 'invalid', offset: number, message: string) {
    super(message)
    this.name = 'WireError'
    this.kind = kind
    this.offset = offset
  }
}

export interface Reader {
  readonly buf: Uint8Array
  pos: number
  readonly end: number
}

export function reader(buf: Uint8Array, start = 0, end = buf.length): Reader {
  if (start < 0 || end > buf.length || start > end) {
    throw new WireError('invalid', start, `reader bounds ${start}..${end} outside buffer of ${buf.length}`)
  }
  return { buf, pos: start, end }
}

export function remaining(r: Reader): number {
  return r.end - r.pos
}

export function need(r: Reader, n: number, what = 'field'): void {
  if (r.pos + n > r.end) {
    throw new WireError(
      'truncated',
      r.pos,
      `${what} needs ${n} bytes at offset ${r.pos}, ${r.end - r.pos} left`,
    )
  }
}

export function u8(r: Reader): number {
  if (r.pos >= r.end) need(r, 1, 'u8')
  return r.buf[r.pos++]!
}

export function u16(r: Reader): number {
  if (r.pos + 2 > r.end) need(r, 2, 'u16')
  const b = r.buf
  const p = r.pos
  r.pos = p + 2
  return (b[p]! << 8) | b[p + 1]!
}

export function u24(r: Reader): number {
  if (r.pos + 3 > r.end) need(r, 3, 'u24')
  const b = r.buf
  const p = r.pos
  r.pos = p + 3
  return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!
}

export function u32(r: Reader): number {
  if (r.pos + 4 > r.end) need(r, 4, 'u32')
  const b = r.buf
  const p = r.pos
  r.pos = p + 4
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
}

export function u64(r: Reader): bigint {
  // Checked whole, so that a short read reports the field's offset and reads nothing.
  if (r.pos + 8 > r.end) need(r, 8, 'u64')
  const hi = u32(r)
  const lo = u32(r)
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/** A view (no copy) of the next n bytes. */
export function bytes(r: Reader, n: number): Uint8Array {
  if (r.pos + n > r.end) need(r, n, 'bytes')
  const p = r.pos
  r.pos = p + n
  return r.buf.subarray(p, p + n)
}

/** The rest of the reader as a view, leaving it empty. */
export function rest(r: Reader): Uint8Array {
  const p = r.pos
  r.pos = r.end
  return r.buf.subarray(p, r.end)
}

/** A sub-reader over the next n bytes; the parent moves past them. */
export function take(r: Reader, n: number, what = 'field'): Reader {
  if (r.pos + n > r.end) need(r, n, what)
  const sub: Reader = { buf: r.buf, pos: r.pos, end: r.pos + n }
  r.pos += n
  return sub
}

export function skip(r: Reader, n: number): void {
  if (r.pos + n > r.end) need(r, n, 'skip')
  r.pos += n
}

/** Throws unless the reader was consumed exactly; decoders call it where trailing bytes are an error. */
export function expectEnd(r: Reader, what: string): void {
  if (r.pos !== r.end) {
    throw new WireError(
      'invalid',
      r.pos,
      `${what}: ${r.end - r.pos} unexpected trailing bytes at offset ${r.pos}`,
    )
  }
}
