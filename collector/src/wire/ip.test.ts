import { describe, expect, it } from 'vitest'
import {
  formatIPv6,
  formatPrefix,
  maskPrefix,
  parseIP,
  parseIPv4,
  parseIPv6,
  parsePrefix,
  prefixTextNlri,
} from './ip.ts'

describe('IPv6 text (RFC 5952)', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['fe80:0000:0000:0000:0217:a3ff:fefe:2905', 'fe80::217:a3ff:fefe:2905'],
    ['2001:0db8:0001:0001:0001:0001:0001:0001', '2001:db8:1:1:1:1:1:1'],
    ['2001:0000:0000:0001:0000:0000:0000:0000', '2001:0:0:1::'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['2001:0db8:0000:ffff:0000:0000:0000:0000', '2001:db8:0:ffff::'],
  ]
  it.each(cases)('%s → %s', (long, short) => {
    const bytes = new Uint8Array(
      long.split(':').flatMap((g) => [Number.parseInt(g.slice(0, 2), 16), Number.parseInt(g.slice(2), 16)]),
    )
    expect(formatIPv6(bytes)).toBe(short)
    expect(parseIPv6(short)).toEqual(bytes)
    expect(parseIPv6(long)).toEqual(bytes)
  })
  it('rejects malformed text', () => {
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::', '1:2:3:4:5:6:7', ':::']) {
      expect(parseIPv6(bad), bad).toBeUndefined()
    }
  })
})

describe('IPv4 and prefixes', () => {
  it('parses and rejects IPv4', () => {
    expect(parseIPv4('192.0.2.1')).toEqual(new Uint8Array([192, 0, 2, 1]))
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '1..2.3'])
      expect(parseIPv4(bad), bad).toBeUndefined()
    expect(parseIP('::1')?.length).toBe(16)
    expect(parseIP('10.0.0.1')?.length).toBe(4)
  })
  it('formats prefixes from their significant octets only, keeping host bits', () => {
    expect(formatPrefix(new Uint8Array([10, 1]), 0, 16, 4)).toBe('10.1.0.0/16')
    expect(formatPrefix(new Uint8Array([11, 13]), 0, 13, 4)).toBe('11.13.0.0/13')
    expect(formatPrefix(new Uint8Array([]), 0, 0, 4)).toBe('0.0.0.0/0')
    expect(formatPrefix(new Uint8Array([0x20, 0x01, 0x0d, 0xb8]), 0, 32, 16)).toBe('2001:db8::/32')
  })
  it('parses and masks prefixes', () => {
    const p = parsePrefix('11.13.0.0/13')!
    expect(p.length).toBe(13)
    expect(maskPrefix(p.address, p.length)).toEqual(new Uint8Array([11, 8, 0, 0]))
    expect(parsePrefix('10.0.0.0/33')).toBeUndefined()
    expect(parsePrefix('2001:db8::/129')).toBeUndefined()
    expect(parsePrefix('2001:db8::/64')?.length).toBe(64)
  })
})

describe('prefix text as NLRI octets', () => {
  it('encodes IPv4 and IPv6 prefixes with only their significant octets', () => {
    expect(prefixTextNlri('192.0.2.0/24', 4)).toEqual(Uint8Array.of(24, 192, 0, 2))
    expect(prefixTextNlri('0.0.0.0/0', 4)).toEqual(Uint8Array.of(0))
    expect(prefixTextNlri('10.1.2.3/32', 4)).toEqual(Uint8Array.of(32, 10, 1, 2, 3))
    expect(prefixTextNlri('2001:db8:5::/48', 16)).toEqual(Uint8Array.of(48, 0x20, 0x01, 0x0d, 0xb8, 0, 5))
  })
  it('refuses what is not a prefix of the width asked for', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0/8',
      '10.0.0.0.0/8',
      '256.0.0.0/8',
      '10.0.0.0',
      '10.0.0.0/',
      'a.b.c.d/8',
      '1000.0.0.0/8',
      '10.0.0.0/8x',
      '::/0',
    ])
      expect(prefixTextNlri(bad, 4), bad).toBeUndefined()
    expect(prefixTextNlri('10.0.0.0/8', 16)).toBeUndefined()
    expect(prefixTextNlri('2001:db8::/129', 16)).toBeUndefined()
  })
})
