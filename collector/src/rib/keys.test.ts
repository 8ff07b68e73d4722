import { describe, expect, it } from 'vitest'
import { formatNextHop, formatPrefixWords, formatRdWords, parsePrefixInto, parseRdInto } from './keys.ts'

function parse(s: string, v6: boolean, allowAddress = false): [number, number[]] {
  const k = new Uint32Array(4)
  const len = parsePrefixInto(s, v6, k, 0, allowAddress)
  return [len, [...k.subarray(0, v6 ? 4 : 1)]]
}

describe('trie keys', () => {
  it('parses IPv4 prefixes and addresses into a masked word', () => {
    expect(parse('10.1.2.3/8', false)).toEqual([8, [0x0a000000]])
    expect(parse('0.0.0.0/0', false)).toEqual([0, [0]])
    expect(parse('255.255.255.255/32', false)).toEqual([32, [0xffffffff]])
    expect(parse('192.0.2.1', false, true)).toEqual([32, [0xc0000201]])
    for (const bad of [
      '192.0.2.1',
      '1.2.3/8',
      '1.2.3.4/33',
      '256.0.0.0/8',
      '1.2.3.4/',
      '1..2.3/8',
      '1.2.3.4/8x',
      '',
    ]) {
      expect(parse(bad, false)[0]).toBe(-1)
    }
  })

  it('parses IPv6 prefixes and addresses in every RFC 4291 text form', () => {
    expect(parse('2001:db8::/32', true)).toEqual([32, [0x20010db8, 0, 0, 0]])
    expect(parse('::/0', true)).toEqual([0, [0, 0, 0, 0]])
    expect(parse('::1', true, true)).toEqual([128, [0, 0, 0, 1]])
    expect(parse('1::', true, true)).toEqual([128, [0x00010000, 0, 0, 0]])
    expect(parse('2001:DB8:0:0:1:0:0:1/128', true)).toEqual([128, [0x20010db8, 0, 0x00010000, 1]])
    expect(parse('2001:db8:ffff:ffff::/33', true)).toEqual([33, [0x20010db8, 0x80000000, 0, 0]])
    expect(parse('::ffff:192.0.2.1/128', true)).toEqual([128, [0, 0, 0xffff, 0xc0000201]])
    for (const bad of [
      '2001:db8::',
      '2001:db8:::1/64',
      '1:2:3:4:5:6:7:8:9/64',
      '1:2:3:4:5:6:7/64',
      ':1::/64',
      '1:/64',
      '12345::/16',
      '::/129',
      'g::/16',
    ]) {
      expect(parse(bad, true)[0]).toBe(-1)
    }
  })

  it('formats keys back as the codec writes prefixes', () => {
    expect(formatPrefixWords(Uint32Array.of(0x0a010000), 0, 16, false)).toBe('10.1.0.0/16')
    expect(formatPrefixWords(Uint32Array.of(0x20010db8, 0, 0, 1), 0, 128, true)).toBe('2001:db8::1/128')
    const rd = new Uint32Array(2)
    expect(parseRdInto('65000:100', rd)).toBe(true)
    expect(formatRdWords(rd, 0)).toBe('65000:100')
    expect(parseRdInto('nonsense', rd)).toBe(false)
  })

  it('formats next hops by their length', () => {
    expect(formatNextHop(Uint8Array.of(192, 0, 2, 1))).toEqual(['192.0.2.1'])
    expect(formatNextHop(new Uint8Array(0))).toEqual([])
    const v6 = Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), 1)
    const ll = Uint8Array.of(0xfe, 0x80, ...new Array(13).fill(0), 1)
    expect(formatNextHop(Uint8Array.of(...v6, ...ll))).toEqual(['2001:db8::1', 'fe80::1'])
    expect(formatNextHop(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1))).toEqual(['192.0.2.1'])
    expect(formatNextHop(Uint8Array.of(0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 192, 0, 2, 1))).toEqual([
      '65000:1 192.0.2.1',
    ])
    expect(formatNextHop(Uint8Array.of(1, 2, 3))).toEqual(['0x010203'])
  })
})
