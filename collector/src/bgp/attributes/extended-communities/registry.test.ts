import { describe, expect, it } from 'vitest'
import { attributeCodec } from '../../../../test-support/codecs.ts'
import { roundTripBytes } from '../../../../test-support/round-trip.ts'
import { ASN4 } from '../../../../test-support/samples.ts'
import { attr, be16, be32 } from '../../../../test-support/wire-builder.ts'
import { decodeExtendedCommunity, encodeExtendedCommunity, formatExtendedCommunity } from './registry.ts'
import type { ExtendedCommunity } from './types.ts'

type Case = readonly [octets: number[], value: ExtendedCommunity, text: string]

const CASES: readonly Case[] = [
  // RFC 4360 §4, RFC 5668, RFC 7153: administrator:assigned in the three layouts, transitive and not.
  [
    [0x00, 0x02, ...be16(65000), ...be32(100)],
    { type: 0x00, subtype: 2, name: 'route-target', value: '65000:100' },
    'target:65000:100',
  ],
  [
    [0x01, 0x02, 192, 0, 2, 1, ...be16(7)],
    { type: 0x01, subtype: 2, name: 'route-target', value: '192.0.2.1:7' },
    'target:192.0.2.1:7',
  ],
  [
    [0x02, 0x02, ...be32(4200000000), ...be16(5)],
    { type: 0x02, subtype: 2, name: 'route-target', value: '4200000000:5' },
    'target:4200000000:5',
  ],
  [
    [0x02, 0x02, ...be32(65000), ...be16(5)],
    { type: 0x02, subtype: 2, name: 'route-target', value: '65000L:5' },
    'target:65000L:5',
  ],
  [
    [0x00, 0x03, ...be16(65000), ...be32(1)],
    { type: 0x00, subtype: 3, name: 'route-origin', value: '65000:1' },
    'origin:65000:1',
  ],
  [
    [0x01, 0x03, 192, 0, 2, 1, ...be16(5)],
    { type: 0x01, subtype: 3, name: 'route-origin', value: '192.0.2.1:5' },
    'origin:192.0.2.1:5',
  ],
  [
    [0x00, 0x05, ...be16(1), ...be32(2)],
    { type: 0x00, subtype: 5, name: 'ospf-domain-id', value: '1:2' },
    'ospf-domain:1:2',
  ],
  [
    [0x01, 0x07, 10, 0, 0, 1, 0, 0],
    { type: 0x01, subtype: 7, name: 'ospf-route-id', value: '10.0.0.1:0' },
    'ospf-router:10.0.0.1:0',
  ],
  [
    [0x00, 0x08, ...be16(65000), ...be32(3)],
    { type: 0x00, subtype: 8, name: 'bgp-data-collection', value: '65000:3' },
    'collection:65000:3',
  ],
  [
    [0x02, 0x09, ...be32(65536), 0, 0],
    { type: 0x02, subtype: 9, name: 'source-as', value: '65536:0' },
    'source-as:65536:0',
  ],
  [
    [0x00, 0x0a, ...be16(1), ...be32(1)],
    { type: 0x00, subtype: 10, name: 'l2vpn-id', value: '1:1' },
    'l2vpn-id:1:1',
  ],
  [
    [0x01, 0x0b, 192, 0, 2, 1, ...be16(9)],
    { type: 0x01, subtype: 11, name: 'vrf-route-import', value: '192.0.2.1:9' },
    'rt-import:192.0.2.1:9',
  ],
  [
    [0x00, 0x10, ...be16(2), ...be32(3)],
    { type: 0x00, subtype: 16, name: 'vpn-distinguisher', value: '2:3' },
    'vpn-distinguisher:2:3',
  ],
  [
    [0x40, 0x02, ...be16(65000), ...be32(100)],
    { type: 0x40, subtype: 2, name: 'route-target', value: '65000:100' },
    'target:65000:100',
  ],
  [
    [0x41, 0x02, 192, 0, 2, 1, ...be16(7)],
    { type: 0x41, subtype: 2, name: 'route-target', value: '192.0.2.1:7' },
    'target:192.0.2.1:7',
  ],
  [
    [0x42, 0x02, ...be32(65000), ...be16(5)],
    { type: 0x42, subtype: 2, name: 'route-target', value: '65000L:5' },
    'target:65000L:5',
  ],
  // draft-ietf-idr-link-bandwidth: non-transitive and transitive.
  [
    [0x40, 0x04, ...be16(65000), 0x4c, 0xee, 0x6b, 0x28],
    { type: 0x40, subtype: 4, name: 'link-bandwidth', asn: 65000, bandwidth: 125000000 },
    'link-bandwidth:65000:125000000',
  ],
  [
    [0x00, 0x04, ...be16(1), 0, 0, 0, 0],
    { type: 0x00, subtype: 4, name: 'link-bandwidth', asn: 1, bandwidth: 0 },
    'link-bandwidth:1:0',
  ],
  // RFC 9012 §4.1, §4.3
  [
    [0x03, 0x0c, 0, 0, 0, 0, 0, 8],
    { type: 0x03, subtype: 0x0c, name: 'encapsulation', tunnelType: 8 },
    'encap:vxlan',
  ],
  [
    [0x03, 0x0c, 0, 0, 0, 0, 0x01, 0x00],
    { type: 0x03, subtype: 0x0c, name: 'encapsulation', tunnelType: 256 },
    'encap:256',
  ],
  [
    [0x03, 0x0b, 0, 0, ...be32(100)],
    { type: 0x03, subtype: 0x0b, name: 'color', flags: 0, color: 100 },
    'color:100',
  ],
  [
    [0x03, 0x0b, 0x40, 0, ...be32(0xffffffff)],
    { type: 0x03, subtype: 0x0b, name: 'color', flags: 0x4000, color: 0xffffffff },
    'color:16384:4294967295',
  ],
  // RFC 8097
  [
    [0x43, 0x00, 0, 0, 0, 0, 0, 0],
    { type: 0x43, subtype: 0, name: 'origin-validation', state: 'valid' },
    'origin-validation:valid',
  ],
  [
    [0x43, 0x00, 0, 0, 0, 0, 0, 1],
    { type: 0x43, subtype: 0, name: 'origin-validation', state: 'not-found' },
    'origin-validation:not-found',
  ],
  [
    [0x43, 0x00, 0, 0, 0, 0, 0, 2],
    { type: 0x43, subtype: 0, name: 'origin-validation', state: 'invalid' },
    'origin-validation:invalid',
  ],
]

/** Octets that must stay unknown: no kind, or a kind that refuses them. */
const UNKNOWN: readonly Case[] = [
  [
    [0x03, 0x06, 0, 0, 0, 0, 0, 1],
    { type: 0x03, subtype: 6, name: 'unknown', hex: '000000000001' },
    '0x0306:000000000001',
  ],
  [
    [0x00, 0x99, 1, 2, 3, 4, 5, 6],
    { type: 0x00, subtype: 0x99, name: 'unknown', hex: '010203040506' },
    '0x0099:010203040506',
  ],
  [
    [0x03, 0x0c, 0, 0, 0, 1, 0, 8],
    { type: 0x03, subtype: 0x0c, name: 'unknown', hex: '000000010008' },
    '0x030c:000000010008',
  ],
  [
    [0x43, 0x00, 0, 0, 0, 0, 0, 3],
    { type: 0x43, subtype: 0, name: 'unknown', hex: '000000000003' },
    '0x4300:000000000003',
  ],
  [
    [0x43, 0x00, 1, 0, 0, 0, 0, 0],
    { type: 0x43, subtype: 0, name: 'unknown', hex: '010000000000' },
    '0x4300:010000000000',
  ],
  [
    [0x03, 0x02, ...be16(65000), ...be32(100)],
    { type: 0x03, subtype: 2, name: 'unknown', hex: 'fde800000064' },
    '0x0302:fde800000064',
  ],
  [
    [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    { type: 0xff, subtype: 0xff, name: 'unknown', hex: 'ffffffffffff' },
    '0xffff:ffffffffffff',
  ],
]

describe('extended communities', () => {
  it.each([...CASES, ...UNKNOWN].map((c) => [c[2], ...c] as const))('%s', (_t, octets, value, text) => {
    expect(decodeExtendedCommunity(Uint8Array.from(octets), 0)).toEqual(value)
    expect([...encodeExtendedCommunity(value)]).toEqual(octets)
    expect(formatExtendedCommunity(value)).toBe(text)
  })

  it('all of them in one EXTENDED_COMMUNITIES attribute, in order', () => {
    const all = [...CASES, ...UNKNOWN]
    const bytes = Uint8Array.from(
      attr(
        0xd0,
        16,
        all.flatMap(([o]) => o),
      ),
    )
    expect(roundTripBytes(attributeCodec(ASN4), bytes)).toEqual({
      code: 16,
      flags: 0xd0,
      name: 'EXTENDED_COMMUNITIES',
      value: all.map(([, v]) => v),
    })
  })

  it('a link bandwidth that is NaN stays unknown, so its exact octets come back', () => {
    for (const nan of [
      [0x7f, 0x80, 0x00, 0x01],
      [0xff, 0xc0, 0x00, 0x00],
      [0x7f, 0xc0, 0x00, 0x00],
    ]) {
      const octets = [0x40, 0x04, ...be16(65000), ...nan]
      const v = decodeExtendedCommunity(Uint8Array.from(octets), 0)
      expect(v.name).toBe('unknown')
      expect([...encodeExtendedCommunity(v)]).toEqual(octets)
    }
  })

  it('decodes at an offset inside a larger buffer', () => {
    const buf = Uint8Array.from([9, 9, 0x00, 0x02, ...be16(1), ...be32(2), 9])
    expect(decodeExtendedCommunity(buf, 2)).toEqual({
      type: 0,
      subtype: 2,
      name: 'route-target',
      value: '1:2',
    })
  })

  it('refuses to encode a value that does not fit its layout, with a typed error', () => {
    expect(() =>
      encodeExtendedCommunity({ type: 0x00, subtype: 2, name: 'route-target', value: '70000:1' }),
    ).toThrow('not route-target 70000:1')
    expect(() =>
      encodeExtendedCommunity({ type: 0x40, subtype: 4, name: 'link-bandwidth', asn: 70000, bandwidth: 1 }),
    ).toThrow('link bandwidth AS 70000')
  })
})
