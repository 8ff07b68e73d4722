import { describe, expect, it } from 'vitest'
import { nlriCodec, nlriListCodec } from '../../../test-support/codecs.ts'
import { roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { be16, be32, hx } from '../../../test-support/wire-builder.ts'
import { reader, WireError } from '../../wire/reader.ts'
import { CodecError } from '../errors.ts'
import { familyCodec, isDecodedFamily, registeredFamilies } from './registry.ts'
import type { RtcNlri } from './rtc.ts'
import type { IpPrefixNlri, LabeledNlri, VpnNlri } from './types.ts'

type AnyNlri = IpPrefixNlri | LabeledNlri | VpnNlri | RtcNlri
type Case = readonly [
  what: string,
  afi: number,
  safi: number,
  octets: number[],
  value: AnyNlri,
  withdraw?: boolean,
]

const L = (label: number, s = 1) => [(label >>> 12) & 0xff, (label >>> 4) & 0xff, ((label & 0xf) << 4) | s]
const RD0 = [0, 0, ...be16(65000), ...be32(100)]
const RD1 = [0, 1, 192, 0, 2, 1, ...be16(7)]
const RD2 = [0, 2, ...be32(4200000000), ...be16(9)]
const RD3 = [0, 3, 1, 2, 3, 4, 5, 6]

const CASES: readonly Case[] = [
  ['ipv4-unicast default', 1, 1, [0], { prefix: '0.0.0.0/0' }],
  ['ipv4-unicast /8', 1, 1, [8, 10], { prefix: '10.0.0.0/8' }],
  ['ipv4-unicast /17 with host bits', 1, 1, [17, 10, 1, 0xff], { prefix: '10.1.255.0/17' }],
  ['ipv4-unicast /32', 1, 1, [32, 192, 0, 2, 1], { prefix: '192.0.2.1/32' }],
  ['ipv6-unicast default', 2, 1, [0], { prefix: '::/0' }],
  ['ipv6-unicast /32', 2, 1, [32, 0x20, 0x01, 0x0d, 0xb8], { prefix: '2001:db8::/32' }],
  [
    'ipv6-unicast /128',
    2,
    1,
    [128, ...hx('20010db8000000000000000000000001')],
    { prefix: '2001:db8::1/128' },
  ],
  ['ipv4-multicast', 1, 2, [24, 232, 1, 2], { prefix: '232.1.2.0/24' }],
  ['ipv6-multicast', 2, 2, [16, 0xff, 0x0e], { prefix: 'ff0e::/16' }],
  ['ipv4-labeled one label', 1, 4, [24 + 24, ...L(100), 10, 1, 2], { labels: [100], prefix: '10.1.2.0/24' }],
  [
    'ipv4-labeled three labels',
    1,
    4,
    [72 + 32, ...L(16, 0), ...L(17, 0), ...L(0xfffff), 192, 0, 2, 1],
    { labels: [16, 17, 0xfffff], prefix: '192.0.2.1/32' },
  ],
  [
    'ipv4-labeled unusual label flags',
    1,
    4,
    [24 + 8, 0x00, 0x06, 0x4b, 10],
    { labels: [100], labelFlags: [0xb], prefix: '10.0.0.0/8' },
  ],
  [
    'ipv4-labeled withdraw label 0x800000',
    1,
    4,
    [24 + 24, 0x80, 0x00, 0x00, 10, 1, 2],
    { labels: [0x80000], labelFlags: [0], prefix: '10.1.2.0/24' },
    true,
  ],
  [
    'ipv4-labeled withdraw label 0 (RFC 8277 §2.4 compatibility)',
    1,
    4,
    [24 + 16, 0, 0, 0, 10, 1],
    { labels: [0], labelFlags: [0], prefix: '10.1.0.0/16' },
    true,
  ],
  [
    'ipv6-labeled',
    2,
    4,
    [24 + 32, ...L(3), 0x20, 0x01, 0x0d, 0xb8],
    { labels: [3], prefix: '2001:db8::/32' },
  ],
  [
    'ipv4-vpn RD type 0',
    1,
    128,
    [24 + 64 + 24, ...L(100), ...RD0, 10, 1, 2],
    { labels: [100], rd: '65000:100', prefix: '10.1.2.0/24' },
  ],
  [
    'ipv4-vpn RD type 1',
    1,
    128,
    [24 + 64 + 32, ...L(101), ...RD1, 10, 1, 2, 3],
    { labels: [101], rd: '192.0.2.1:7', prefix: '10.1.2.3/32' },
  ],
  [
    'ipv4-vpn RD type 2',
    1,
    128,
    [24 + 64 + 8, ...L(102), ...RD2, 10],
    { labels: [102], rd: '4200000000:9', prefix: '10.0.0.0/8' },
  ],
  [
    'ipv4-vpn raw RD type',
    1,
    128,
    [24 + 64 + 0, ...L(103), ...RD3],
    { labels: [103], rd: 'raw:0003010203040506', prefix: '0.0.0.0/0' },
  ],
  [
    'ipv4-vpn two labels',
    1,
    128,
    [48 + 64 + 24, ...L(1, 0), ...L(2), ...RD0, 10, 1, 2],
    { labels: [1, 2], rd: '65000:100', prefix: '10.1.2.0/24' },
  ],
  [
    'ipv4-vpn withdraw label',
    1,
    128,
    [24 + 64 + 24, 0x80, 0, 0, ...RD0, 10, 1, 2],
    { labels: [0x80000], labelFlags: [0], rd: '65000:100', prefix: '10.1.2.0/24' },
    true,
  ],
  [
    'ipv6-vpn',
    2,
    128,
    [24 + 64 + 48, ...L(200), ...RD1, 0x20, 0x01, 0x0d, 0xb8, 0, 1],
    { labels: [200], rd: '192.0.2.1:7', prefix: '2001:db8:1::/48' },
  ],
  [
    'ipv4-vpn-multicast',
    1,
    129,
    [24 + 64 + 24, ...L(5), ...RD0, 232, 1, 1],
    { labels: [5], rd: '65000:100', prefix: '232.1.1.0/24' },
  ],
  [
    'ipv6-vpn-multicast',
    2,
    129,
    [24 + 64 + 16, ...L(6), ...RD2, 0xff, 0x0e],
    { labels: [6], rd: '4200000000:9', prefix: 'ff0e::/16' },
  ],
  ['ipv4-rtc default', 1, 132, [0], { length: 0 }],
  [
    'ipv4-rtc origin AS only',
    1,
    132,
    [32, ...be32(65000)],
    { length: 32, originAs: 65000, routeTarget: '0x' },
  ],
  [
    'ipv4-rtc partial, type octet only',
    1,
    132,
    [40, ...be32(65000), 0x00],
    { length: 40, originAs: 65000, routeTarget: '0x00' },
  ],
  [
    'ipv4-rtc partial, type and subtype',
    1,
    132,
    [48, ...be32(65000), 0x00, 0x02],
    { length: 48, originAs: 65000, routeTarget: '0:0' },
  ],
  [
    'ipv4-rtc partial, odd bits',
    1,
    132,
    [67, ...be32(65000), 0x00, 0x02, 0xfd, 0xe8, 0xe0],
    { length: 67, originAs: 65000, routeTarget: '65000:3758096384' },
  ],
  [
    'ipv4-rtc full type 0',
    1,
    132,
    [96, ...be32(65000), 0x00, 0x02, ...be16(65000), ...be32(100)],
    { length: 96, originAs: 65000, routeTarget: '65000:100' },
  ],
  [
    'ipv4-rtc full type 1',
    1,
    132,
    [96, ...be32(1), 0x01, 0x02, 192, 0, 2, 1, ...be16(5)],
    { length: 96, originAs: 1, routeTarget: '192.0.2.1:5' },
  ],
  [
    'ipv4-rtc full type 2',
    1,
    132,
    [96, ...be32(1), 0x02, 0x02, ...be32(65000), ...be16(5)],
    { length: 96, originAs: 1, routeTarget: '65000L:5' },
  ],
  [
    'ipv4-rtc not a route target',
    1,
    132,
    [96, ...be32(1), 0x03, 0x0b, 0, 0, ...be32(9)],
    { length: 96, originAs: 1, routeTarget: '0x030b000000000009' },
  ],
]

const CORE = [
  'ipv4-unicast',
  'ipv6-unicast',
  'ipv4-multicast',
  'ipv6-multicast',
  'ipv4-labeled',
  'ipv6-labeled',
  'ipv4-vpn',
  'ipv6-vpn',
  'ipv4-vpn-multicast',
  'ipv6-vpn-multicast',
  'ipv4-rtc',
]

describe('NLRI of every core family', () => {
  it('every core family is registered and has cases here', () => {
    const names = registeredFamilies().map((f) => f.name)
    for (const name of CORE) {
      expect(names, name).toContain(name)
      expect(
        CASES.some(([what]) => what.startsWith(`${name} `) || what === name),
        name,
      ).toBe(true)
    }
  })

  describe.each([false, true])('ADD-PATH %s', (addPath) => {
    it.each(CASES.map((c) => ({ what: c[0], c })))(
      '$what',
      ({ c: [, afi, safi, octets, value, withdraw = false] }) => {
        const codec = nlriCodec(afi, safi, { addPath, withdraw })
        const bytes = Uint8Array.from(addPath ? [...be32(0x01020304), ...octets] : octets)
        const expected = addPath ? { ...value, pathId: 0x01020304 } : value
        expect(roundTripBytes(codec, bytes)).toEqual(expected)
      },
    )
  })

  it('several NLRI in one field, each with its own path id', () => {
    const bytes = Uint8Array.from([...be32(1), 8, 10, ...be32(2), 8, 10, ...be32(0xffffffff), 0])
    expect(roundTripBytes(nlriListCodec(1, 1, { addPath: true }), bytes)).toEqual([
      { prefix: '10.0.0.0/8', pathId: 1 },
      { prefix: '10.0.0.0/8', pathId: 2 },
      { prefix: '0.0.0.0/0', pathId: 0xffffffff },
    ])
  })

  it('a family the codec does not decode is carried whole, without path ids', () => {
    expect(isDecodedFamily(99, 9)).toBe(false)
    expect(familyCodec(99, 9)).toBe(familyCodec(99, 9))
    for (const addPath of [false, true]) {
      expect(roundTripBytes(nlriListCodec(99, 9, { addPath }), Uint8Array.of(1, 2, 3))).toEqual([
        { raw: '010203' },
      ])
      expect(roundTripBytes(nlriListCodec(99, 9, { addPath }), new Uint8Array(0))).toEqual([])
    }
  })

  it('values built in code round-trip', () => {
    roundTripValue(nlriCodec(2, 128, { addPath: false }), {
      labels: [1, 2, 3],
      rd: '65000L:1',
      prefix: '2001:db8::/64',
    })
    roundTripValue(nlriCodec(1, 4, { addPath: true }), { labels: [0xfffff], prefix: '0.0.0.0/0', pathId: 0 })
  })
})

function decodeError(afi: number, safi: number, octets: number[], withdraw = false): CodecError | WireError {
  try {
    nlriListCodec(afi, safi, { addPath: false, withdraw }).decode(reader(Uint8Array.from(octets)))
  } catch (e) {
    if (e instanceof CodecError || e instanceof WireError) return e
    throw e
  }
  throw new Error('decoded without error')
}

describe('malformed NLRI throw typed errors', () => {
  it.each([
    ['ipv4 prefix length 33', 1, 1, [33, 1, 2, 3, 4, 5], 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'],
    ['ipv6 prefix length 129', 2, 1, [129, ...new Array(17).fill(0)], 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'],
    ['ipv4 prefix truncated', 1, 1, [24, 10, 1], 'truncated'],
    ['ipv6 path of a prefix missing', 2, 2, [64, 0x20, 0x01], 'truncated'],
    [
      'labeled without bottom of stack',
      1,
      4,
      [48, 0, 0, 0x10, 0, 0, 0x20],
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
    ],
    ['labeled length shorter than a label', 1, 4, [16, 0, 0], 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'],
    [
      'labeled prefix too long after labels',
      1,
      4,
      [24 + 40, ...L(1), 1, 2, 3, 4, 5],
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
    ],
    [
      'vpn too short for an RD',
      1,
      128,
      [24 + 32, ...L(1), 0, 0, 0, 1],
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
    ],
    ['vpn RD truncated', 1, 128, [24 + 64, ...L(1), 0, 0, 0], 'truncated'],
    ['rtc length 8', 1, 132, [8, 1], 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'],
    ['rtc length 97', 1, 132, [97, ...new Array(13).fill(0)], 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'],
    ['rtc truncated', 1, 132, [96, 0, 0, 0, 1, 0, 2], 'truncated'],
  ] as const)('%s', (_what, afi, safi, octets, kind) => {
    const e = decodeError(afi, safi, [...octets])
    expect(e instanceof CodecError ? e.kind : e.kind).toBe(kind)
  })

  it('a withdraw label ends the stack only in withdrawals', () => {
    const octets = [24 + 24, 0x80, 0, 0, 10, 1, 2]
    expect(decodeError(1, 4, octets, false)).toBeInstanceOf(CodecError)
  })

  it('labels, RD and prefix longer than the 255 bits of the length octet are a typed error, not a wrapped length', () => {
    expect(() =>
      roundTripValue(nlriCodec(2, 128, { addPath: false }), {
        labels: [1, 2, 3],
        rd: '65000:1',
        prefix: '2001:db8::/127',
      }),
    ).toThrow(CodecError)
    expect(() =>
      roundTripValue(nlriCodec(2, 4, { addPath: false }), {
        labels: [1, 2, 3, 4, 5, 6],
        prefix: '2001:db8::/128',
      }),
    ).toThrow(CodecError)
  })

  it('encoding a prefix of the wrong family is a typed error', () => {
    const codec = nlriCodec(1, 1, { addPath: false })
    expect(() => roundTripValue(codec, { prefix: '2001:db8::/32' })).toThrow(CodecError)
    expect(() =>
      roundTripValue(nlriCodec(1, 128, { addPath: false }), {
        labels: [1],
        rd: 'nope',
        prefix: '10.0.0.0/8',
      }),
    ).toThrow('not a route distinguisher: nope')
  })
})
