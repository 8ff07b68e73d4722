// The one round-trip check every codec passes (STYLE.md): decoding what was
// encoded gives the value back, the size pass equals the bytes written,
// re-encoding is byte-stable, encoding at a non-zero offset writes the same
// bytes, and neither input is mutated.

import { expect } from 'vitest'
import { type Reader, reader } from '../src/wire/reader.ts'
import { type Writer, writer } from '../src/wire/writer.ts'

export interface Codec<T> {
  size(v: T): number
  encode(w: Writer, v: T): void
  decode(r: Reader): T
}

function encodeAt<T>(c: Codec<T>, v: T, offset: number): Uint8Array {
  const n = c.size(v)
  const buf = new Uint8Array(offset + n + 3).fill(0xa5)
  const w = writer(buf, offset, offset + n)
  c.encode(w, v)
  expect(w.pos - offset, 'size pass equals bytes written').toBe(n)
  expect(
    [...buf.subarray(0, offset)].every((b) => b === 0xa5),
    'nothing written before the offset',
  ).toBe(true)
  expect(
    [...buf.subarray(offset + n)].every((b) => b === 0xa5),
    'nothing written past the size',
  ).toBe(true)
  return buf.slice(offset, offset + n)
}

/** Checks value → bytes → value. Returns the bytes. */
export function roundTripValue<T>(c: Codec<T>, value: T): Uint8Array {
  const snapshot = structuredClone(value)
  const bytes = encodeAt(c, value, 0)
  expect(value, 'encode does not mutate its input').toEqual(snapshot)
  expect(encodeAt(c, value, 7), 'encoding at an offset writes the same bytes').toEqual(bytes)
  const copy = bytes.slice()
  const r = reader(copy)
  const back = c.decode(r)
  expect(r.pos, 'decode consumes exactly the encoding').toBe(copy.length)
  expect(copy, 'decode does not mutate its input').toEqual(bytes)
  expect(back).toEqual(value)
  expect(encodeAt(c, back, 0), 're-encoding is byte-stable').toEqual(bytes)
  return bytes
}

/** Checks bytes → value → the same bytes (for values taken from real captures). Returns the value. */
export function roundTripBytes<T>(c: Codec<T>, bytes: Uint8Array): T {
  const copy = bytes.slice()
  const padded = new Uint8Array(copy.length + 5)
  padded.set(copy, 5)
  const r = reader(padded, 5)
  const value = c.decode(r)
  expect(r.pos, 'decode consumes exactly the input').toBe(padded.length)
  expect(padded.subarray(5), 'decode does not mutate its input').toEqual(bytes)
  expect(encodeAt(c, value, 0), 'encoding reproduces the received bytes').toEqual(bytes)
  roundTripValue(c, value)
  return value
}
