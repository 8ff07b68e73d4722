import { describe, expect, it } from 'vitest'
import { formatRD, parseAdminAssigned, parseRD } from './rd.ts'

describe('route distinguishers', () => {
  const cases: [string, number[]][] = [
    ['65000:100', [0, 0, 0xfd, 0xe8, 0, 0, 0, 100]],
    ['192.0.2.1:7', [0, 1, 192, 0, 2, 1, 0, 7]],
    ['4200000000:5', [0, 2, 0xfa, 0x56, 0xea, 0x00, 0, 5]],
    ['65000L:5', [0, 2, 0, 0, 0xfd, 0xe8, 0, 5]],
    ['64839:1021000042', [0, 0, 0xfd, 0x47, 0x3c, 0xdb, 0x39, 0x6a]],
    ['raw:0003000000000001', [0, 3, 0, 0, 0, 0, 0, 1]],
  ]
  it.each(cases)('%s', (text, bytes) => {
    const b = new Uint8Array(bytes)
    expect(formatRD(b, 0)).toBe(text)
    expect(parseRD(text)).toEqual(b)
  })
  it('type 2 with a 16-bit AS is written with L, and every text maps to one encoding', () => {
    expect(parseRD('100:1')![1]).toBe(0)
    expect(parseRD('100L:1')![1]).toBe(2)
    expect(parseRD('70000:1')![1]).toBe(2)
  })
  it('rejects out-of-range values', () => {
    for (const bad of ['70000:70000', '192.0.2.1:70000', '1:4294967296', 'x:1', '5', 'raw:00']) {
      expect(parseRD(bad), bad).toBeUndefined()
    }
  })
  it('parses in a given layout', () => {
    expect(parseAdminAssigned('100:1', 2)?.type).toBe(2)
    expect(parseAdminAssigned('192.0.2.1:1', 0)).toBeUndefined()
  })
})
