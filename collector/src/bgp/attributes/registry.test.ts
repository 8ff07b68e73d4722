import { describe, expect, it } from 'vitest'
import { attributeCodec as attributeRoundTrip } from '../../../test-support/codecs.ts'
import { roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { ASN2, ASN4, MP_REACH_IPV6 } from '../../../test-support/samples.ts'
import { attr, be16, be32, hx } from '../../../test-support/wire-builder.ts'
import type { IpPrefixNlri } from '../nlri/types.ts'
import { attributeCodec, registeredAttributes } from './registry.ts'
import type { PathAttribute } from './types.ts'

const prefixes = (...p: string[]): IpPrefixNlri[] => p.map((prefix) => ({ prefix }))

type Case = readonly [name: string, bytes: number[], value: PathAttribute]

/** Attributes whose octets mean the same on 2- and 4-octet AS sessions. */
const ANY_WIDTH: readonly Case[] = [
  ['ORIGIN igp', attr(0x40, 1, [0]), { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' }],
  ['ORIGIN egp', attr(0x40, 1, [1]), { code: 1, flags: 0x40, name: 'ORIGIN', value: 'egp' }],
  ['ORIGIN incomplete', attr(0x40, 1, [2]), { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' }],
  ['AS_PATH empty (iBGP)', attr(0x40, 2, []), { code: 2, flags: 0x40, name: 'AS_PATH', value: [] }],
  ['NEXT_HOP', attr(0x40, 3, [192, 0, 2, 1]), { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' }],
  [
    'MULTI_EXIT_DISC',
    attr(0x80, 4, be32(0xffffffff)),
    { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 0xffffffff },
  ],
  ['LOCAL_PREF', attr(0x40, 5, be32(100)), { code: 5, flags: 0x40, name: 'LOCAL_PREF', value: 100 }],
  ['ATOMIC_AGGREGATE', attr(0x40, 6, []), { code: 6, flags: 0x40, name: 'ATOMIC_AGGREGATE', value: true }],
  [
    'COMMUNITIES',
    attr(0xc0, 8, [
      ...be32(0xffff0000),
      ...be32(0xffffff02),
      ...be32(0xffff0007),
      ...be32(0xffff1234),
      ...be32(0),
      ...be32(0xfde80064),
    ]),
    {
      code: 8,
      flags: 0xc0,
      name: 'COMMUNITIES',
      value: ['GRACEFUL_SHUTDOWN', 'NO_ADVERTISE', 'NO_LLGR', '65535:4660', '0:0', '65000:100'],
    },
  ],
  [
    'ORIGINATOR_ID',
    attr(0x80, 9, [10, 0, 0, 1]),
    { code: 9, flags: 0x80, name: 'ORIGINATOR_ID', value: '10.0.0.1' },
  ],
  [
    'CLUSTER_LIST',
    attr(0x80, 10, [10, 0, 0, 2, 10, 0, 0, 3]),
    { code: 10, flags: 0x80, name: 'CLUSTER_LIST', value: ['10.0.0.2', '10.0.0.3'] },
  ],
  [
    'MP_REACH_NLRI',
    MP_REACH_IPV6,
    {
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: {
        afi: 2,
        safi: 1,
        family: 'ipv6-unicast',
        nextHop: ['2001:db8::1', 'fe80::1'],
        nlri: prefixes('2001:db8::/32', '2001:db8:1::/48'),
      },
    },
  ],
  [
    'MP_UNREACH_NLRI',
    attr(0x80, 15, [0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8]),
    {
      code: 15,
      flags: 0x80,
      name: 'MP_UNREACH_NLRI',
      value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: prefixes('2001:db8::/32') },
    },
  ],
  [
    'EXTENDED_COMMUNITIES',
    attr(0xc0, 16, [0x00, 0x02, ...be16(65000), ...be32(100)]),
    {
      code: 16,
      flags: 0xc0,
      name: 'EXTENDED_COMMUNITIES',
      value: [{ type: 0, subtype: 2, name: 'route-target', value: '65000:100' }],
    },
  ],
  [
    'AS4_PATH',
    attr(0xc0, 17, [2, 2, ...be32(4200000001), ...be32(65001), 1, 1, ...be32(7)]),
    {
      code: 17,
      flags: 0xc0,
      name: 'AS4_PATH',
      value: [
        { type: 'AS_SEQUENCE', asns: [4200000001, 65001] },
        { type: 'AS_SET', asns: [7] },
      ],
    },
  ],
  [
    'AS4_AGGREGATOR',
    attr(0xc0, 18, [...be32(4200000001), 192, 0, 2, 9]),
    { code: 18, flags: 0xc0, name: 'AS4_AGGREGATOR', value: { asn: 4200000001, address: '192.0.2.9' } },
  ],
  [
    'IPV6_EXTENDED_COMMUNITIES',
    attr(0xc0, 25, [0x00, 0x02, ...hx('20010db8000000000000000000000005'), 0, 7]),
    {
      code: 25,
      flags: 0xc0,
      name: 'IPV6_EXTENDED_COMMUNITIES',
      value: [{ type: 0, subtype: 2, name: 'route-target', address: '2001:db8::5', local: 7 }],
    },
  ],
  [
    'AIGP',
    attr(0x80, 26, [1, 0, 11, ...be32(1), ...be32(2), 7, 0, 5, 0xaa, 0xbb]),
    {
      code: 26,
      flags: 0x80,
      name: 'AIGP',
      value: [
        { type: 1, metric: 0x100000002n },
        { type: 7, hex: 'aabb' },
      ],
    },
  ],
  [
    'LARGE_COMMUNITY',
    attr(0xc0, 32, [
      ...be32(4200000000),
      ...be32(1),
      ...be32(2),
      ...be32(0),
      ...be32(0xffffffff),
      ...be32(3),
    ]),
    { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['4200000000:1:2', '0:4294967295:3'] },
  ],
  ['OTC', attr(0xc0, 35, be32(4200000000)), { code: 35, flags: 0xc0, name: 'OTC', value: 4200000000 }],
]

/** Attributes that carry AS numbers of the session's width. */
const ASN4_ONLY: readonly Case[] = [
  [
    'AS_PATH with every segment type',
    attr(0x40, 2, [
      2,
      2,
      ...be32(65001),
      ...be32(4200000000),
      1,
      2,
      ...be32(1),
      ...be32(2),
      3,
      1,
      ...be32(65100),
      4,
      1,
      ...be32(65101),
    ]),
    {
      code: 2,
      flags: 0x40,
      name: 'AS_PATH',
      value: [
        { type: 'AS_SEQUENCE', asns: [65001, 4200000000] },
        { type: 'AS_SET', asns: [1, 2] },
        { type: 'AS_CONFED_SEQUENCE', asns: [65100] },
        { type: 'AS_CONFED_SET', asns: [65101] },
      ],
    },
  ],
  [
    'AGGREGATOR',
    attr(0xc0, 7, [...be32(4200000000), 192, 0, 2, 9]),
    { code: 7, flags: 0xc0, name: 'AGGREGATOR', value: { asn: 4200000000, address: '192.0.2.9' } },
  ],
  [
    'ATTR_SET',
    attr(0xc0, 128, [
      ...be32(4200000000),
      ...attr(0x40, 1, [1]),
      ...attr(0x40, 2, [2, 1, ...be32(4200000000)]),
      ...attr(0x40, 5, be32(7)),
    ]),
    {
      code: 128,
      flags: 0xc0,
      name: 'ATTR_SET',
      value: {
        originAs: 4200000000,
        attributes: [
          { code: 1, flags: 0x40, name: 'ORIGIN', value: 'egp' },
          { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [4200000000] }] },
          { code: 5, flags: 0x40, name: 'LOCAL_PREF', value: 7 },
        ],
      },
    },
  ],
]

const ASN2_ONLY: readonly Case[] = [
  [
    'AS_PATH with every segment type',
    attr(0x40, 2, [
      2,
      2,
      ...be16(65001),
      ...be16(23456),
      1,
      1,
      ...be16(5),
      3,
      1,
      ...be16(65100),
      4,
      2,
      ...be16(65101),
      ...be16(65102),
    ]),
    {
      code: 2,
      flags: 0x40,
      name: 'AS_PATH',
      value: [
        { type: 'AS_SEQUENCE', asns: [65001, 23456] },
        { type: 'AS_SET', asns: [5] },
        { type: 'AS_CONFED_SEQUENCE', asns: [65100] },
        { type: 'AS_CONFED_SET', asns: [65101, 65102] },
      ],
    },
  ],
  [
    'AGGREGATOR',
    attr(0xc0, 7, [...be16(23456), 192, 0, 2, 9]),
    { code: 7, flags: 0xc0, name: 'AGGREGATOR', value: { asn: 23456, address: '192.0.2.9' } },
  ],
  [
    'ATTR_SET',
    attr(0xc0, 128, [...be32(65020), ...attr(0x40, 2, [2, 1, ...be16(65020)])]),
    {
      code: 128,
      flags: 0xc0,
      name: 'ATTR_SET',
      value: {
        originAs: 65020,
        attributes: [
          { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65020] }] },
        ],
      },
    },
  ],
]

const CORE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 25, 26, 32, 35, 128]

describe('path attributes', () => {
  it('every core attribute is registered and has a case here on both AS widths', () => {
    const registered = new Set(registeredAttributes().map((c) => c.code))
    const on4 = new Set([...ANY_WIDTH, ...ASN4_ONLY].map(([, , v]) => v.code))
    const on2 = new Set([...ANY_WIDTH, ...ASN2_ONLY].map(([, , v]) => v.code))
    for (const code of CORE) {
      expect(registered.has(code), `registered ${code}`).toBe(true)
      expect(on4.has(code) && on2.has(code), `cases for ${code}`).toBe(true)
    }
  })

  describe.each([
    ['4-octet AS', ASN4, [...ANY_WIDTH, ...ASN4_ONLY]],
    ['2-octet AS', ASN2, [...ANY_WIDTH, ...ASN2_ONLY]],
  ] as const)('%s session', (_w, ctx, cases) => {
    it.each(cases)('%s', (_name, bytes, value) => {
      expect(roundTripBytes(attributeRoundTrip(ctx), Uint8Array.from(bytes))).toEqual(value)
    })
  })

  it('AS_PATH octets of one width do not decode cleanly as the other', () => {
    const four = Uint8Array.from(ASN4_ONLY[0]![1])
    expect(() => roundTripBytes(attributeRoundTrip(ASN2), four)).toThrow(/problems/)
  })

  it('the flags octet is kept as received: extended length, partial, and spare low bits', () => {
    const cases: [number[], number][] = [
      [attr(0xd0, 8, be32(0xfde80064)), 0xd0],
      [attr(0xe0, 8, be32(0xfde80064)), 0xe0],
      [attr(0xf0, 32, [...be32(1), ...be32(2), ...be32(3)]), 0xf0],
      [attr(0x50, 1, [0]), 0x50],
      [attr(0x4f, 3, [192, 0, 2, 1]), 0x4f],
    ]
    for (const [bytes, flags] of cases) {
      expect(roundTripBytes(attributeRoundTrip(ASN4), Uint8Array.from(bytes)).flags).toBe(flags)
    }
  })

  it('a value longer than 255 octets gets the Extended Length flag when encoded', () => {
    const value: PathAttribute = {
      code: 8,
      flags: 0xc0,
      name: 'COMMUNITIES',
      value: Array.from({ length: 70 }, (_, i) => `65000:${i}`),
    }
    const bytes = roundTripBytes(
      attributeRoundTrip(ASN4),
      Uint8Array.from(
        attr(
          0xd0,
          8,
          value.value.flatMap((_, i) => be32(0xfde80000 + i)),
        ),
      ),
    )
    expect(bytes).toEqual({ ...value, flags: 0xd0 })
    const codec = attributeRoundTrip(ASN4)
    const out = new Uint8Array(codec.size(value))
    codec.encode({ buf: out, pos: 0, end: out.length }, value)
    expect([...out.subarray(0, 4)]).toEqual([0xd0, 8, ...be16(280)])
  })

  it('an unknown optional attribute is kept with its flags and octets', () => {
    for (const [flags, code] of [
      [0xc0, 99],
      [0xe0, 250],
      [0x80, 241],
      [0xd0, 200],
    ] as const) {
      const bytes = Uint8Array.from(attr(flags, code, [1, 2, 3]))
      expect(roundTripBytes(attributeRoundTrip(ASN4), bytes)).toEqual({
        code,
        flags,
        name: 'UNKNOWN',
        value: '010203',
      })
    }
    expect(attributeCodec(99)).toBeUndefined()
  })

  it('values built in code round-trip too', () => {
    roundTripValue(attributeRoundTrip(ASN4), { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' })
    // 512 octets of value: the Extended Length flag must already be set for the value to come back equal.
    roundTripValue(attributeRoundTrip(ASN2), {
      code: 2,
      flags: 0x50,
      name: 'AS_PATH',
      value: [{ type: 'AS_SEQUENCE', asns: Array.from({ length: 255 }, (_, i) => i + 1) }],
    })
  })
})
