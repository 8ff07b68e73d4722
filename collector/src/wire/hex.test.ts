import { describe, expect, it } from 'vitest'
import { fromHex, hexOrThrow, toHex } from './hex.ts'

describe('hex', () => {
  it('writes lowercase hex of a range', () => {
    const b = Uint8Array.of(0x00, 0xab, 0xcd, 0xef, 0x10)
    expect(toHex(b)).toBe('00abcdef10')
    expect(toHex(b, 1, 3)).toBe('abcd')
    expect(toHex(b, 2, 2)).toBe('')
  })

  it('reads hex with separators, a 0x prefix and either case', () => {
    expect(fromHex('0xAB cd:EF')).toEqual(Uint8Array.of(0xab, 0xcd, 0xef))
    expect(fromHex('')).toEqual(new Uint8Array(0))
  })

  it('answers undefined for odd lengths and non-hex digits', () => {
    for (const bad of ['abc', 'zz', '0g', '1 2 3']) expect(fromHex(bad), bad).toBeUndefined()
    expect(() => hexOrThrow('xyz', 'thing')).toThrow('thing: not hex: xyz')
  })

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(fromHex(toHex(all))).toEqual(all)
  })
})
