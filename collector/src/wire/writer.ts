// Encoding is two passes: every encoder has a `size` twin, the caller sizes the
// whole value, allocates once, and writes. Writing past the end is a typed
// WireError('overflow'), never a silent truncation, and `finish` checks that the
// size pass and the write pass agree.

import { WireError } from './reader.ts'

export interface Writer {
  readonly buf: Uint8Array
  pos: number
  readonly end: number
}

export function writer(buf: Uint8Array, start = 0, end = buf.length): Writer {
  return { buf, pos: start, end }
}

function room(w: Writer, n: number): void {
  if (w.pos + n > w.end) {
    throw new WireError('overflow', w.pos, `write of ${n} bytes at offset ${w.pos} overflows end ${w.end}`)
  }
}

export function w8(w: Writer, v: number): void {
  room(w, 1)
  w.buf[w.pos++] = v & 0xff
}

export function w16(w: Writer, v: number): void {
  room(w, 2)
  const b = w.buf
  b[w.pos++] = (v >>> 8) & 0xff
  b[w.pos++] = v & 0xff
}

export function w24(w: Writer, v: number): void {
  room(w, 3)
  const b = w.buf
  b[w.pos++] = (v >>> 16) & 0xff
  b[w.pos++] = (v >>> 8) & 0xff
  b[w.pos++] = v & 0xff
}

export function w32(w: Writer, v: number): void {
  room(w, 4)
  const b = w.buf
  b[w.pos++] = (v >>> 24) & 0xff
  b[w.pos++] = (v >>> 16) & 0xff
  b[w.pos++] = (v >>> 8) & 0xff
  b[w.pos++] = v & 0xff
}

export function w64(w: Writer, v: bigint): void {
  w32(w, Number((v >> 32n) & 0xffffffffn))
  w32(w, Number(v & 0xffffffffn))
}

export function wbytes(w: Writer, src: Uint8Array): void {
  room(w, src.length)
  w.buf.set(src, w.pos)
  w.pos += src.length
}

/** Reserve a 1- or 2-byte length field, returning a function that fills it with the bytes written since. */
export function lengthPrefix(w: Writer, width: 1 | 2): () => void {
  const at = w.pos
  if (width === 1) w8(w, 0)
  else w16(w, 0)
  const start = w.pos
  return () => {
    const len = w.pos - start
    const max = width === 1 ? 0xff : 0xffff
    if (len > max) throw new WireError('overflow', at, `length ${len} does not fit ${width} byte(s)`)
    if (width === 1) w.buf[at] = len
    else {
      w.buf[at] = len >>> 8
      w.buf[at + 1] = len & 0xff
    }
  }
}

/** Size, allocate, write, and check that both passes agree. */
export function encodeWith<T>(
  value: T,
  size: (v: T) => number,
  encode: (w: Writer, v: T) => void,
): Uint8Array {
  const n = size(value)
  const buf = new Uint8Array(n)
  const w = writer(buf)
  encode(w, value)
  if (w.pos !== n) throw new WireError('invalid', w.pos, `encoder wrote ${w.pos} bytes, size pass said ${n}`)
  return buf
}
