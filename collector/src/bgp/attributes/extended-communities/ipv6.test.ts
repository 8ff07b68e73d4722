import { describe, expect, it } from 'vitest'
import { attributeCodec } from '../../../../test-support/codecs.ts'
import { roundTripBytes } from '../../../../test-support/round-trip.ts'
import { ASN4 } from '../../../../test-support/samples.ts'
import { attr, hx } from '../../../../test-support/wire-builder.ts'
import {
  decodeIpv6ExtendedCommunity,
  encodeIpv6ExtendedCommunity,
  formatIpv6ExtendedCommunity,
} from './ipv6.ts'
import type { Ipv6ExtendedCommunity } from './types.ts'

const ADDR = hx('20010db8000000000000000000000005')

const CASES: readonly (readonly [number[], Ipv6ExtendedCommunity, string])[] = [
  [
    [0x00, 0x02, ...ADDR, 0, 7],
    { type: 0, subtype: 2, name: 'route-target', address: '2001:db8::5', local: 7 },
    'target:[2001:db8::5]:7',
  ],
  [
    [0x00, 0x03, ...ADDR, 0xff, 0xff],
    { type: 0, subtype: 3, name: 'route-origin', address: '2001:db8::5', local: 65535 },
    'origin:[2001:db8::5]:65535',
  ],
  [
    [0x00, 0x0b, ...ADDR, 0, 1],
    { type: 0, subtype: 11, name: 'vrf-route-import', address: '2001:db8::5', local: 1 },
    'rt-import:[2001:db8::5]:1',
  ],
  [
    [0x40, 0x02, ...new Array(16).fill(0), 0, 0],
    { type: 0x40, subtype: 2, name: 'route-target', address: '::', local: 0 },
    'target:[::]:0',
  ],
  [
    [0x00, 0x04, ...ADDR, 0, 1],
    { type: 0, subtype: 4, name: 'unknown', hex: '20010db80000000000000000000000050001' },
    '0x0004:20010db80000000000000000000000050001',
  ],
  [
    [0x01, 0x02, ...ADDR, 0, 1],
    { type: 1, subtype: 2, name: 'unknown', hex: '20010db80000000000000000000000050001' },
    '0x0102:20010db80000000000000000000000050001',
  ],
]

describe('IPv6 address specific extended communities (RFC 5701)', () => {
  it.each(CASES.map((c) => [c[2], ...c] as const))('%s', (_t, octets, value, text) => {
    expect(decodeIpv6ExtendedCommunity(Uint8Array.from(octets), 0)).toEqual(value)
    expect([...encodeIpv6ExtendedCommunity(value)]).toEqual(octets)
    expect(formatIpv6ExtendedCommunity(value)).toBe(text)
  })

  it('in an IPV6_EXTENDED_COMMUNITIES attribute, in order', () => {
    const bytes = Uint8Array.from(
      attr(
        0xc0,
        25,
        CASES.flatMap(([o]) => o),
      ),
    )
    expect(roundTripBytes(attributeCodec(ASN4), bytes)).toEqual({
      code: 25,
      flags: 0xc0,
      name: 'IPV6_EXTENDED_COMMUNITIES',
      value: CASES.map(([, v]) => v),
    })
  })

  it('refuses to encode an address that is not IPv6, with a typed error', () => {
    expect(() =>
      encodeIpv6ExtendedCommunity({
        type: 0,
        subtype: 2,
        name: 'route-target',
        address: '192.0.2.1',
        local: 1,
      }),
    ).toThrow('not an IPv6 address: 192.0.2.1')
  })
})
