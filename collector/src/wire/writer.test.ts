import { describe, expect, it } from 'vitest'
import { WireError } from './reader.ts'
import { encodeWith, lengthPrefix, w8, w16, w24, w32, w64, wbytes, writer } from './writer.ts'

function thrown(fn: () => unknown): WireError {
  try {
    fn()
  } catch (e) {
    if (e instanceof WireError) return e
    throw new Error(`expected a WireError, got ${String(e)}`)
  }
  throw new Error('expected a WireError, nothing was thrown')
}

describe('writer', () => {
  it('writes big-endian integers of every width', () => {
    const buf = new Uint8Array(22)
    const w = writer(buf)
    w8(w, 0x1ff)
    w16(w, 0x0203)
    w24(w, 0x040506)
    w32(w, 0xfffffffe)
    w64(w, 0x0102030405060708n)
    wbytes(w, Uint8Array.of(9, 10, 11))
    expect(w.pos).toBe(21)
    expect([...buf]).toEqual([
      0xff, 2, 3, 4, 5, 6, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0,
    ])
  })

  it('throws a typed overflow error instead of writing past its end', () => {
    const buf = new Uint8Array(8).fill(0xaa)
    const w = writer(buf, 2, 5)
    w16(w, 0x0102)
    for (const write of [
      () => w16(w, 1),
      () => w24(w, 1),
      () => w32(w, 1),
      () => wbytes(w, Uint8Array.of(1, 2)),
    ]) {
      const e = thrown(write)
      expect({ kind: e.kind, offset: e.offset }).toEqual({ kind: 'overflow', offset: 4 })
    }
    w8(w, 3)
    expect(thrown(() => w8(w, 4)).kind).toBe('overflow')
    expect([...buf]).toEqual([0xaa, 0xaa, 1, 2, 3, 0xaa, 0xaa, 0xaa])
  })

  it('lengthPrefix fills in the length of what was written after it', () => {
    const buf = new Uint8Array(10)
    const w = writer(buf)
    const done1 = lengthPrefix(w, 1)
    wbytes(w, Uint8Array.of(7, 7, 7))
    done1()
    const done2 = lengthPrefix(w, 2)
    w8(w, 1)
    done2()
    expect([...buf.subarray(0, w.pos)]).toEqual([3, 7, 7, 7, 0, 1, 1])
  })

  it('lengthPrefix refuses a length its field cannot hold', () => {
    const w = writer(new Uint8Array(300))
    const done = lengthPrefix(w, 1)
    wbytes(w, new Uint8Array(256))
    const e = thrown(done)
    expect({ kind: e.kind, offset: e.offset }).toEqual({ kind: 'overflow', offset: 0 })
  })

  it('encodeWith sizes, writes and checks that both passes agree', () => {
    expect([
      ...encodeWith(
        0x0102,
        () => 2,
        (w, v) => w16(w, v),
      ),
    ]).toEqual([1, 2])
    expect(
      thrown(() =>
        encodeWith(
          1,
          () => 3,
          (w, v) => w16(w, v),
        ),
      ).kind,
    ).toBe('invalid')
    expect(
      thrown(() =>
        encodeWith(
          1,
          () => 1,
          (w, v) => w16(w, v),
        ),
      ).kind,
    ).toBe('overflow')
  })
})
