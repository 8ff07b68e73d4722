import { describe, expect, it } from 'vitest'
import {
  bytes,
  expectEnd,
  need,
  reader,
  remaining,
  rest,
  skip,
  take,
  u8,
  u16,
  u24,
  u32,
  u64,
  WireError,
} from './reader.ts'

const buf = Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff, 0xfe])

function thrown(fn: () => unknown): WireError {
  try {
    fn()
  } catch (e) {
    if (e instanceof WireError) return e
    throw new Error(`expected a WireError, got ${String(e)}`)
  }
  throw new Error('expected a WireError, nothing was thrown')
}

describe('reader', () => {
  it('reads big-endian integers of every width and advances', () => {
    const r = reader(buf)
    expect(u8(r)).toBe(0x01)
    expect(u16(r)).toBe(0x0203)
    expect(u24(r)).toBe(0x040506)
    expect(r.pos).toBe(6)
    expect(remaining(r)).toBe(4)
    const r2 = reader(buf, 6)
    expect(u32(r2)).toBe(0x0708fffe)
    expect(reader(buf).pos).toBe(0)
  })

  it('reads u32 above 2^31 as an unsigned number and u64 as a bigint', () => {
    const r = reader(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1]))
    expect(u32(r)).toBe(0xffffffff)
    expect(u64(r)).toBe(0x8000000000000001n)
  })

  it('reports a short read as a truncated WireError with the absolute offset, without moving', () => {
    for (const [read, width] of [
      [u8, 1],
      [u16, 2],
      [u24, 3],
      [u32, 4],
      [u64, 8],
    ] as const) {
      const r = reader(buf, 9 - width + 1, 9)
      const e = thrown(() => read(r))
      expect({ kind: e.kind, offset: e.offset }).toEqual({ kind: 'truncated', offset: 9 - width + 1 })
      expect(r.pos).toBe(9 - width + 1)
    }
  })

  it('never reads past its end even when the buffer goes on', () => {
    const r = reader(buf, 0, 3)
    expect(u16(r)).toBe(0x0102)
    expect(thrown(() => u16(r)).kind).toBe('truncated')
    expect(thrown(() => bytes(r, 2)).offset).toBe(2)
    expect(thrown(() => skip(r, 2)).kind).toBe('truncated')
    expect(thrown(() => take(r, 2, 'thing')).message).toContain('thing needs 2 bytes at offset 2, 1 left')
  })

  it('bytes and rest are views, not copies', () => {
    const b = Uint8Array.from([1, 2, 3, 4])
    const r = reader(b)
    const v = bytes(r, 2)
    expect([...v]).toEqual([1, 2])
    b[0] = 9
    expect(v[0]).toBe(9)
    expect([...rest(r)]).toEqual([3, 4])
    expect(remaining(r)).toBe(0)
    expect([...rest(r)]).toEqual([])
  })

  it('take hands out a sub-reader limited to n bytes and moves the parent past them', () => {
    const r = reader(buf, 1)
    const sub = take(r, 3)
    expect({ pos: sub.pos, end: sub.end, parent: r.pos }).toEqual({ pos: 1, end: 4, parent: 4 })
    expect(u16(sub)).toBe(0x0203)
    expect(thrown(() => u16(sub)).offset).toBe(3)
    expect(u8(sub)).toBe(0x04)
    expect(u8(r)).toBe(0x05)
  })

  it('need checks without reading', () => {
    const r = reader(buf, 8)
    need(r, 2)
    expect(thrown(() => need(r, 3, 'prefix')).message).toBe('prefix needs 3 bytes at offset 8, 2 left')
    expect(r.pos).toBe(8)
  })

  it('expectEnd throws an invalid WireError for trailing bytes', () => {
    const r = reader(buf, 0, 2)
    const e = thrown(() => expectEnd(r, 'X'))
    expect({ kind: e.kind, offset: e.offset }).toEqual({ kind: 'invalid', offset: 0 })
    skip(r, 2)
    expectEnd(r, 'X')
  })

  it('rejects bounds outside the buffer with a typed error', () => {
    expect(thrown(() => reader(buf, 0, 11)).kind).toBe('invalid')
    expect(thrown(() => reader(buf, -1)).kind).toBe('invalid')
    expect(thrown(() => reader(buf, 5, 4)).kind).toBe('invalid')
    expect(remaining(reader(buf, 10))).toBe(0)
  })
})
