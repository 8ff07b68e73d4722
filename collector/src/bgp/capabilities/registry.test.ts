import { describe, expect, it } from 'vitest'
import { capabilityListCodec } from '../../../test-support/codecs.ts'
import { roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { CAPS } from '../../../test-support/samples.ts'
import { be32 } from '../../../test-support/wire-builder.ts'
import { reader } from '../../wire/reader.ts'
import { encodeWith } from '../../wire/writer.ts'
import type { ProblemLog } from '../attributes/attribute-list.ts'
import { capabilityListSize, decodeCapabilityList, encodeCapabilityList } from './capability-list.ts'
import { registeredCapabilities } from './registry.ts'
import type { Capability } from './types.ts'

const bytesOf = ([code, value]: readonly [number, readonly number[]]) =>
  Uint8Array.from([code, value.length, ...value])

/** One case per capability the registry knows: its octets and what they decode to. */
const CASES: readonly (readonly [string, readonly [number, readonly number[]], Capability])[] = [
  [
    'MULTIPROTOCOL',
    CAPS.mpVpnv4,
    { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 128, family: 'ipv4-vpn' } },
  ],
  ['ROUTE_REFRESH', CAPS.routeRefresh, { code: 2, name: 'ROUTE_REFRESH', value: true }],
  [
    'EXTENDED_NEXT_HOP',
    CAPS.extendedNextHop,
    {
      code: 5,
      name: 'EXTENDED_NEXT_HOP',
      value: [
        { afi: 1, safi: 1, family: 'ipv4-unicast', nextHopAfi: 2 },
        { afi: 1, safi: 128, family: 'ipv4-vpn', nextHopAfi: 2 },
      ],
    },
  ],
  ['EXTENDED_MESSAGE', CAPS.extendedMessage, { code: 6, name: 'EXTENDED_MESSAGE', value: true }],
  ['BGP_ROLE', CAPS.role, { code: 9, name: 'BGP_ROLE', value: 'customer' }],
  [
    'GRACEFUL_RESTART',
    CAPS.gracefulRestart,
    {
      code: 64,
      name: 'GRACEFUL_RESTART',
      value: {
        restarting: true,
        notification: true,
        time: 120,
        families: [
          { afi: 1, safi: 1, family: 'ipv4-unicast', forwarding: true },
          { afi: 2, safi: 1, family: 'ipv6-unicast', forwarding: false },
        ],
      },
    },
  ],
  ['FOUR_OCTET_AS', CAPS.fourOctetAs, { code: 65, name: 'FOUR_OCTET_AS', value: { asn: 4200000000 } }],
  [
    'ADD_PATH',
    CAPS.addPath,
    {
      code: 69,
      name: 'ADD_PATH',
      value: [
        { afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'both' },
        { afi: 2, safi: 1, family: 'ipv6-unicast', sendReceive: 'receive' },
      ],
    },
  ],
  [
    'ENHANCED_ROUTE_REFRESH',
    CAPS.enhancedRouteRefresh,
    { code: 70, name: 'ENHANCED_ROUTE_REFRESH', value: true },
  ],
  [
    'LONG_LIVED_GRACEFUL_RESTART',
    CAPS.llgr,
    {
      code: 71,
      name: 'LONG_LIVED_GRACEFUL_RESTART',
      value: [{ afi: 1, safi: 1, family: 'ipv4-unicast', forwarding: true, staleTime: 3600 }],
    },
  ],
  ['FQDN', CAPS.fqdn, { code: 73, name: 'FQDN', value: { hostname: 'edge', domain: 'example.net' } }],
  [
    'SOFTWARE_VERSION',
    CAPS.softwareVersion,
    { code: 75, name: 'SOFTWARE_VERSION', value: { version: 'FRR/9.1.0' } },
  ],
]

function decodeWithProblems(bytes: readonly number[]) {
  const log: ProblemLog = { base: 0, list: [] }
  const caps = decodeCapabilityList(reader(Uint8Array.from(bytes)), log)
  return { caps, problems: log.list }
}

describe('capabilities', () => {
  it('every registered capability has a case here', () => {
    expect(
      registeredCapabilities()
        .map((c) => c.name)
        .sort(),
    ).toEqual(CASES.map(([name]) => name).sort())
  })

  it.each(CASES)('%s', (_name, cap, value) => {
    expect(roundTripBytes(capabilityListCodec, bytesOf(cap))).toEqual([value])
  })

  it('keeps values outside the registries as numbers and spare bits as otherFlags', () => {
    const cases: [number[], Capability][] = [
      [
        [1, 4, 0, 99, 7, 200],
        {
          code: 1,
          name: 'MULTIPROTOCOL',
          value: { afi: 99, safi: 200, family: 'afi-99-safi-200', reserved: 7 },
        },
      ],
      [[9, 1, 7], { code: 9, name: 'BGP_ROLE', value: 7 }],
      [
        [69, 4, 0, 1, 1, 0],
        { code: 69, name: 'ADD_PATH', value: [{ afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 0 }] },
      ],
      [
        [64, 6, 0x3f, 0xff, 0, 1, 1, 0x7f],
        {
          code: 64,
          name: 'GRACEFUL_RESTART',
          value: {
            restarting: false,
            notification: false,
            time: 4095,
            otherFlags: 3,
            families: [{ afi: 1, safi: 1, family: 'ipv4-unicast', forwarding: false, otherFlags: 0x7f }],
          },
        },
      ],
      [
        [64, 2, 0, 0],
        {
          code: 64,
          name: 'GRACEFUL_RESTART',
          value: { restarting: false, notification: false, time: 0, families: [] },
        },
      ],
      [
        [71, 7, 0, 2, 1, 0x01, 0xff, 0xff, 0xff],
        {
          code: 71,
          name: 'LONG_LIVED_GRACEFUL_RESTART',
          value: [
            {
              afi: 2,
              safi: 1,
              family: 'ipv6-unicast',
              forwarding: false,
              otherFlags: 1,
              staleTime: 0xffffff,
            },
          ],
        },
      ],
      [[73, 2, 0, 0], { code: 73, name: 'FQDN', value: { hostname: '', domain: '' } }],
      [[75, 3, 2, 0xc3, 0xa9], { code: 75, name: 'SOFTWARE_VERSION', value: { version: 'é' } }],
    ]
    for (const [bytes, value] of cases) {
      expect(roundTripBytes(capabilityListCodec, Uint8Array.from(bytes))).toEqual([value])
    }
  })

  it('FQDN without a domain field (as some speakers send it) encodes back without one', () => {
    expect(roundTripBytes(capabilityListCodec, Uint8Array.of(73, 3, 2, 0x61, 0x62))).toEqual([
      { code: 73, name: 'FQDN', value: { hostname: 'ab' } },
    ])
  })

  it('text that is not UTF-8 is kept as octets (MALFORMED), never replaced by U+FFFD', () => {
    for (const bytes of [
      [75, 2, 1, 0xff],
      [73, 4, 1, 0x80, 1, 0x61],
      [73, 4, 1, 0x61, 1, 0xc3],
    ]) {
      const { caps, problems } = decodeWithProblems(bytes)
      expect(caps, JSON.stringify(bytes)).toEqual([
        {
          code: bytes[0],
          name: 'MALFORMED',
          value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: Buffer.from(bytes.slice(2)).toString('hex') },
        },
      ])
      expect(problems.map((p) => p.kind)).toEqual(['NOTIFY.OPEN.UNSPECIFIC'])
    }
  })

  it('an unknown capability is kept with its octets', () => {
    expect(roundTripBytes(capabilityListCodec, bytesOf(CAPS.unknown))).toEqual([
      { code: 200, name: 'UNKNOWN', value: 'abcd' },
    ])
    expect(roundTripBytes(capabilityListCodec, Uint8Array.of(128, 0))).toEqual([
      { code: 128, name: 'UNKNOWN', value: '' },
    ])
  })

  it('several capabilities in one list, in order', () => {
    const all = CASES.flatMap(([, cap]) => [...bytesOf(cap)])
    expect(roundTripBytes(capabilityListCodec, Uint8Array.from(all))).toEqual(CASES.map(([, , v]) => v))
    expect(roundTripValue(capabilityListCodec, [])).toEqual(new Uint8Array(0))
  })

  it('a malformed capability is kept with its value octets and reported, the list goes on', () => {
    const { caps, problems } = decodeWithProblems([65, 3, 0, 0, 1, 2, 0, 9, 2, 1, 2, 6, 1, 0])
    expect(caps).toEqual([
      { code: 65, name: 'MALFORMED', value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: '000001' } },
      { code: 2, name: 'ROUTE_REFRESH', value: true },
      { code: 9, name: 'MALFORMED', value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: '0102' } },
      { code: 6, name: 'MALFORMED', value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: '00' } },
    ])
    expect(problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.OPEN.UNSPECIFIC', 'session-reset', 2],
      ['NOTIFY.OPEN.UNSPECIFIC', 'session-reset', 10],
      ['NOTIFY.OPEN.UNSPECIFIC', 'session-reset', 13],
    ])
    // Kept octets encode back exactly.
    expect(encodeWith(caps, capabilityListSize, encodeCapabilityList)).toEqual(
      Uint8Array.of(65, 3, 0, 0, 1, 2, 0, 9, 2, 1, 2, 6, 1, 0),
    )
  })

  it.each([
    ['MULTIPROTOCOL too short', [1, 3, 0, 1, 0]],
    ['EXTENDED_NEXT_HOP not a multiple of 6', [5, 4, 0, 1, 0, 1]],
    ['GRACEFUL_RESTART family cut short', [64, 4, 0, 0, 0, 1]],
    ['FOUR_OCTET_AS too long', [65, 5, ...be32(1), 0]],
    ['ADD_PATH not a multiple of 4', [69, 3, 0, 1, 1]],
    ['LONG_LIVED_GRACEFUL_RESTART too short', [71, 5, 0, 1, 1, 0, 0]],
    ['FQDN hostname overruns', [73, 2, 5, 0x61]],
    ['SOFTWARE_VERSION trailing octets', [75, 3, 1, 0x61, 0x62]],
    ['ROUTE_REFRESH with a value', [2, 1, 0]],
    ['ENHANCED_ROUTE_REFRESH with a value', [70, 1, 0]],
  ])('%s is MALFORMED', (_name, bytes) => {
    const { caps, problems } = decodeWithProblems(bytes)
    expect(caps).toHaveLength(1)
    expect(caps[0]!.name).toBe('MALFORMED')
    expect(problems).toHaveLength(1)
  })

  it('a capability overrunning its parameter throws a typed error for the OPEN decoder to report', () => {
    expect(() => decodeWithProblems([65, 4, 0, 0])).toThrow(/capability 65 needs 4 bytes/)
  })
})
