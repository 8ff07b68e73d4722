import { describe, expect, it } from 'vitest'
import { attributeCodec } from '../../../test-support/codecs.ts'
import { roundTripBytes } from '../../../test-support/round-trip.ts'
import { ADD_PATH, ASN4 } from '../../../test-support/samples.ts'
import { attr, be16, be32, hx, update } from '../../../test-support/wire-builder.ts'
import { decodeMessage } from '../messages/message.ts'
import type { PathAttribute } from './types.ts'

const V6 = hx('20010db8000000000000000000000001')
const LL = hx('fe800000000000000000000000000001')
const ZERO_RD = new Array<number>(8).fill(0)
const RD = [0, 0, ...be16(65000), ...be32(1)]

function mpReach(afi: number, safi: number, nextHop: number[], tail: number[] = [0], flags = 0x80): number[] {
  return attr(flags, 14, [...be16(afi), safi, nextHop.length, ...nextHop, ...tail])
}

function reach(value: Record<string, unknown>, flags = 0x80): PathAttribute {
  return { code: 14, flags, name: 'MP_REACH_NLRI', value } as unknown as PathAttribute
}

describe('MP_REACH_NLRI next hops (RFC 4760 §3)', () => {
  it.each([
    ['IPv4', 1, 1, [192, 0, 2, 1], { nextHop: ['192.0.2.1'] }],
    ['IPv6 global', 2, 1, V6, { nextHop: ['2001:db8::1'] }],
    ['IPv6 global and link-local (RFC 2545)', 2, 1, [...V6, ...LL], { nextHop: ['2001:db8::1', 'fe80::1'] }],
    ['IPv4 NLRI with an IPv6 next hop (RFC 8950)', 1, 1, V6, { nextHop: ['2001:db8::1'] }],
    ['IPv4-mapped IPv6', 2, 1, hx('00000000000000000000ffffc0000201'), { nextHop: ['::ffff:192.0.2.1'] }],
    ['VPNv4, zero RD', 1, 128, [...ZERO_RD, 192, 0, 2, 1], { nextHop: ['192.0.2.1'] }],
    ['VPNv6, zero RD', 2, 128, [...ZERO_RD, ...V6], { nextHop: ['2001:db8::1'] }],
    [
      'VPNv6, global and link-local',
      2,
      128,
      [...ZERO_RD, ...V6, ...ZERO_RD, ...LL],
      { nextHop: ['2001:db8::1', 'fe80::1'] },
    ],
    ['VPNv4 with an IPv6 next hop (RFC 8950)', 1, 128, [...ZERO_RD, ...V6], { nextHop: ['2001:db8::1'] }],
    [
      'VPNv4, non-zero RD kept',
      1,
      128,
      [...RD, 192, 0, 2, 1],
      { nextHop: ['192.0.2.1'], nextHopRd: '65000:1' },
    ],
    [
      'VPNv6 pair, same non-zero RD',
      2,
      128,
      [...RD, ...V6, ...RD, ...LL],
      { nextHop: ['2001:db8::1', 'fe80::1'], nextHopRd: '65000:1' },
    ],
    ['an undecoded family: raw', 99, 9, [1, 2, 3], { nextHop: [], nextHopRaw: '010203' }],
    ['an undecoded family: none', 99, 9, [], { nextHop: [], nextHopRaw: '' }],
  ] as const)('%s', (_what, afi, safi, nh, value) => {
    const bytes = Uint8Array.from(mpReach(afi, safi, [...nh]))
    const decoded = roundTripBytes(attributeCodec(ASN4), bytes)
    expect(decoded).toEqual(
      reach({
        afi,
        safi,
        family: decoded.name === 'MP_REACH_NLRI' ? decoded.value.family : '?',
        ...value,
        nlri: [],
      }),
    )
  })

  it('a VPNv6 pair whose two RDs differ comes back with both RDs', () => {
    const nh = [...ZERO_RD, ...V6, ...RD, ...LL]
    const bytes = Uint8Array.from(mpReach(2, 128, nh))
    expect(roundTripBytes(attributeCodec(ASN4), bytes)).toEqual(
      reach({
        afi: 2,
        safi: 128,
        family: 'ipv6-vpn',
        nextHop: ['2001:db8::1', 'fe80::1'],
        nextHopRaw: Buffer.from(nh).toString('hex'),
        nlri: [],
      }),
    )
  })

  it('keeps RFC 2858 SNPAs and reads the NLRI after them', () => {
    const bytes = Uint8Array.from(mpReach(1, 1, [192, 0, 2, 1], [2, 4, 0xab, 0xcd, 3, 0xef, 0x10, 8, 10]))
    expect(roundTripBytes(attributeCodec(ASN4), bytes)).toEqual(
      reach({
        afi: 1,
        safi: 1,
        family: 'ipv4-unicast',
        nextHop: ['192.0.2.1'],
        snpa: ['04abcd', '03ef10'],
        nlri: [{ prefix: '10.0.0.0/8' }],
      }),
    )
  })

  it('ADD-PATH path ids in MP_REACH_NLRI', () => {
    const bytes = Uint8Array.from(mpReach(2, 1, V6, [0, ...be32(9), 32, 0x20, 0x01, 0x0d, 0xb8]))
    expect(roundTripBytes(attributeCodec(ADD_PATH), bytes)).toEqual(
      reach({
        afi: 2,
        safi: 1,
        family: 'ipv6-unicast',
        nextHop: ['2001:db8::1'],
        nlri: [{ prefix: '2001:db8::/32', pathId: 9 }],
      }),
    )
  })
})

describe('MP_REACH_NLRI / MP_UNREACH_NLRI errors (RFC 7606 §7.11, RFC 4760 §7)', () => {
  function problems(attributes: number[]) {
    return decodeMessage(update({ attributes }), ASN4).problems.map((p) => ({
      kind: p.kind,
      action: p.action,
      offset: p.offset,
      attribute: p.attribute,
      family: p.family,
    }))
  }

  it.each([
    ['IPv4 next hop of 5 octets', 1, 1, [192, 0, 2, 1, 1], 'ipv4-unicast'],
    ['IPv6 next hop of 20 octets', 2, 1, [...V6, 1, 2, 3, 4], 'ipv6-unicast'],
    ['IPv6 next hop of 0 octets', 2, 1, [], 'ipv6-unicast'],
    ['VPNv4 next hop without RD', 1, 128, [192, 0, 2, 1], 'ipv4-vpn'],
    ['RTC next hop of 3 octets', 1, 132, [1, 2, 3], 'ipv4-rtc'],
  ] as const)('%s: afi-safi-disable of that family', (_what, afi, safi, nh, family) => {
    expect(problems(mpReach(afi, safi, [...nh]))).toEqual([
      // offset: the next hop octets (attribute at 23, header 3, AFI 2, SAFI 1, length 1)
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'afi-safi-disable',
        offset: 30,
        attribute: 14,
        family,
      },
    ])
  })

  it('too short for AFI and SAFI: session reset', () => {
    for (const code of [14, 15]) {
      expect(problems(attr(0x80, code, [0, 2]))).toEqual([
        {
          kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
          action: 'session-reset',
          offset: 26,
          attribute: code,
          family: undefined,
        },
      ])
    }
  })

  it('NLRI that cannot be parsed: afi-safi-disable, with the kind of the fault', () => {
    expect(problems(mpReach(2, 1, V6, [0, 129, ...new Array(17).fill(0)]))).toEqual([
      {
        kind: 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        action: 'afi-safi-disable',
        offset: 48,
        attribute: 14,
        family: 'ipv6-unicast',
      },
    ])
    expect(problems(attr(0x80, 15, [0, 2, 1, 64, 0x20]))).toEqual([
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'afi-safi-disable',
        offset: 30,
        attribute: 15,
        family: 'ipv6-unicast',
      },
    ])
  })

  it('an SNPA overrunning the attribute: afi-safi-disable', () => {
    expect(problems(mpReach(1, 1, [192, 0, 2, 1], [1, 8, 0xab]))).toEqual([
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'afi-safi-disable',
        offset: 36,
        attribute: 14,
        family: 'ipv4-unicast',
      },
    ])
  })
})
