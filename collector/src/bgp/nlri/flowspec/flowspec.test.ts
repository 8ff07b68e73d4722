import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { reader, WireError } from '../../../wire/reader.ts'
import { encodeWith } from '../../../wire/writer.ts'
import { DEFAULT_CONTEXT } from '../../context.ts'
import { CodecError } from '../../errors.ts'
import { decodeMessage, encodeMessage } from '../../messages/message.ts'
import { familyCodec } from '../registry.ts'
import type { FamilyCodec } from '../types.ts'
import { flowspecText } from './family.ts'
import type { BitmaskOperator, FlowspecNlri, NumericOperator } from './types.ts'

const v4 = familyCodec(1, 133) as FamilyCodec<FlowspecNlri>
const v6 = familyCodec(2, 133) as FamilyCodec<FlowspecNlri>
const vpn4 = familyCodec(1, 134) as FamilyCodec<FlowspecNlri>
const vpn6 = familyCodec(2, 134) as FamilyCodec<FlowspecNlri>

function codec(f: FamilyCodec<FlowspecNlri>): Codec<FlowspecNlri> {
  return {
    size: (n) => f.size(n),
    encode: (w, n) => f.encode(w, n),
    decode: (r) => f.decode(r, undefined, false),
  }
}

function num(o: Partial<NumericOperator> & { value: number | bigint }): NumericOperator {
  return { end: false, and: false, length: 1, lt: false, gt: false, eq: false, ...o }
}

function bits(o: Partial<BitmaskOperator> & { value: number | bigint }): BitmaskOperator {
  return { end: false, and: false, length: 1, not: false, match: false, ...o }
}

describe('FlowSpec NLRI round trips', () => {
  it('RFC 8955 §4.2 example: destination, source, port range or 8080', () => {
    // "all packets to 10.1.1/24 from 192/8 and port {range [137, 139] or 8080}" (errata 4482)
    const n = roundTripBytes(
      codec(v4),
      hexOrThrow('10 01180a0101 0208c0 0403 89 45 8b 91 1f90'.replace(/ /g, '')),
    )
    expect(n).toEqual({
      components: [
        { type: 1, name: 'destination-prefix', prefix: '10.1.1.0/24' },
        { type: 2, name: 'source-prefix', prefix: '192.0.0.0/8' },
        {
          type: 4,
          name: 'port',
          operators: [
            num({ gt: true, eq: true, value: 137 }),
            num({ and: true, lt: true, eq: true, value: 139 }),
            num({ end: true, length: 2, eq: true, value: 8080 }),
          ],
        },
      ],
    })
    expect(flowspecText(n, 1)).toBe(
      'destination-ipv4 10.1.1.0/24 source-ipv4 192.0.0.0/8 port [ >=137&<=139 =8080 ]',
    )
  })

  it('every numeric component type, with 1-, 2-, 4- and 8-octet values and the reserved bit', () => {
    const types = [3, 4, 5, 6, 7, 8, 10, 11] as const
    const names = [
      'ip-protocol',
      'port',
      'destination-port',
      'source-port',
      'icmp-type',
      'icmp-code',
      'packet-length',
      'dscp',
    ]
    const n: FlowspecNlri = {
      components: types.map((type, i) => ({
        type,
        name: names[i]!,
        operators: [
          num({ eq: true, value: 6 }),
          num({ and: true, length: 2, lt: true, value: 1000 }),
          num({ length: 4, gt: true, value: 0xfffffffe }),
          num({ and: true, length: 8, lt: true, gt: true, eq: true, value: 0x1122334455667788n }),
          num({ end: true, reserved: 1, value: 0 }),
        ],
      })),
    }
    const b = roundTripValue(codec(v4), n)
    expect(b.length).toBe(1 + 8 * (1 + 5 + 1 + 2 + 4 + 8 + 1))
  })

  it('IPv6 numeric components: next header and flow label (type 13)', () => {
    const n: FlowspecNlri = {
      components: [
        { type: 3, name: 'next-header', operators: [num({ end: true, eq: true, value: 58 })] },
        {
          type: 13,
          name: 'flow-label',
          operators: [num({ end: true, length: 4, eq: true, value: 0xfffff })],
        },
      ],
    }
    expect(toHex(roundTripValue(codec(v6), n))).toBe('0903813a0da1000fffff')
    expect(flowspecText(n, 2)).toBe('next-header =58 flow-label =1048575')
  })

  it('bitmask components: TCP flags and fragment, with not, match, and, reserved bits and 2-octet values', () => {
    const n: FlowspecNlri = {
      components: [
        {
          type: 9,
          name: 'tcp-flags',
          operators: [
            bits({ match: true, value: 0x02 }),
            bits({ and: true, not: true, value: 0x10 }),
            bits({ length: 2, not: true, match: true, value: 0x0101 }),
            bits({ end: true, reserved: 3, value: 0x80 }),
          ],
        },
        { type: 12, name: 'fragment', operators: [bits({ end: true, not: true, value: 0x03 })] },
      ],
    }
    roundTripValue(codec(v4), n)
    expect(flowspecText(n, 1)).toBe(
      'tcp-flags [ =syn&!ack !=fin+ns cwr ] fragment !dont-fragment+is-fragment',
    )
  })

  it('IPv6 prefixes with offsets (RFC 8956 §3.1): the pattern only, padding as sent', () => {
    // dst: length 104, offset 64, pattern 0x12345678 9a (BIRD's test vector); src ::1/128 offset 120
    const bytes = hexOrThrow('0c 016840123456789a 02807801'.replace(/ /g, ''))
    const n = roundTripBytes(codec(v6), bytes)
    expect(n.components).toEqual([
      { type: 1, name: 'destination-prefix', prefix: '::1234:5678:9a00:0/104', offset: 64 },
      { type: 2, name: 'source-prefix', prefix: '::1/128', offset: 120 },
    ])
    expect(flowspecText(n)).toBe('destination-ipv6 ::1234:5678:9a00:0/104/64 source-ipv6 ::1/128/120')
  })

  it('IPv6 prefix with an offset that is not octet aligned, and padding bits beyond bit 128', () => {
    // length 128, offset 4: 124 pattern bits in 16 octets, the last 4 bits are padding past bit 128
    const pattern = '123456789abcdef0123456789abcdef5'
    const n = roundTripBytes(codec(v6), hexOrThrow(`1301 8004${pattern}`))
    expect(n.components).toEqual([
      {
        type: 1,
        name: 'destination-prefix',
        prefix: '123:4567:89ab:cdef:123:4567:89ab:cdef/128',
        offset: 4,
        trailingBits: 5,
      },
    ])
    roundTripValue(codec(v6), { components: [{ ...n.components[0]!, trailingBits: undefined } as never] })
  })

  it('IPv6 prefix sent as the whole address (ExaBGP, Wireshark) is read again that way and kept', () => {
    // source ::1/128 offset 120 with 16 octets: read the RFC way, the 2nd octet (0x00) would be a component type
    const bytes = hexOrThrow('1602807800000000000000000000000000000001038111')
    const n = roundTripBytes(codec(v6), bytes)
    expect(n.components[0]).toEqual({
      type: 2,
      name: 'source-prefix',
      prefix: '::1/128',
      offset: 120,
      fullPrefix: true,
    })
    expect(flowspecText(n)).toBe('source-ipv6 ::1/128/120 next-header =udp')
  })

  it('length forms (RFC 8955 §4.1): one octet below 240, 0xfnnn from 240, the long form kept when sent early', () => {
    const ops = Array.from({ length: 80 }, (_, i) => num({ end: i === 79, eq: true, length: 2, value: i }))
    const big: FlowspecNlri = { components: [{ type: 4, name: 'port', operators: ops }] }
    const b = roundTripValue(codec(v4), big)
    expect(toHex(b.subarray(0, 3))).toBe('f0f104')
    const early = roundTripBytes(codec(v4), hexOrThrow('f003038106'))
    expect(early).toEqual({
      components: [{ type: 3, name: 'ip-protocol', operators: [num({ end: true, eq: true, value: 6 })] }],
      longLength: true,
    })
    const huge: FlowspecNlri = {
      components: [
        {
          type: 4,
          name: 'port',
          operators: Array.from({ length: 1400 }, () => num({ value: 1, length: 2 })),
        },
      ],
    }
    expect(() => encodeWith(huge, v4.size, v4.encode)).toThrow(WireError)
  })

  it('FlowSpec VPN (SAFI 134) carries an RD before the components', () => {
    const n = roundTripBytes(codec(vpn4), hexOrThrow('0e0000ffff0001000002200a000001'))
    expect(n).toEqual({
      rd: '65535:65536',
      components: [{ type: 2, name: 'source-prefix', prefix: '10.0.0.1/32' }],
    })
    expect(vpn4.key(n)).toBe('source-ipv4 10.0.0.1/32 rd 65535:65536')
    const six: FlowspecNlri = {
      rd: '192.0.2.1:7',
      components: [{ type: 1, name: 'destination-prefix', prefix: '2001:db8::/32', offset: 0 }],
    }
    expect(toHex(roundTripValue(codec(vpn6), six))).toBe('0f0001c0000201000701200020010db8')
  })

  it('an empty rule matches everything and is keyed `any`', () => {
    expect(roundTripBytes(codec(v4), hexOrThrow('00'))).toEqual({ components: [] })
    expect(v4.key({ components: [] })).toBe('any')
  })
})

describe('FlowSpec text and keys', () => {
  it('writes every numeric comparison, protocol names, and true/false without a value', () => {
    const ops: NumericOperator[] = [
      num({ value: 1 }),
      num({ eq: true, value: 1 }),
      num({ gt: true, value: 17 }),
      num({ gt: true, eq: true, value: 6 }),
      num({ lt: true, value: 47 }),
      num({ lt: true, eq: true, value: 200 }),
      num({ lt: true, gt: true, value: 132 }),
      num({ end: true, and: true, lt: true, gt: true, eq: true, value: 9 }),
    ]
    const n: FlowspecNlri = { components: [{ type: 3, name: 'ip-protocol', operators: ops }] }
    expect(flowspecText(n)).toBe('protocol [ false =icmp >udp >=tcp <gre <=200 !=sctp&true ]')
  })

  it('the key ignores value lengths and reserved bits: one rule, one key', () => {
    const oneOctet = v4.decode(reader(hexOrThrow('03058150')), undefined, false)
    const twoOctets = v4.decode(reader(hexOrThrow('0405910050')), undefined, false)
    const reserved = v4.decode(reader(hexOrThrow('03058950')), undefined, false)
    expect(oneOctet).not.toEqual(twoOctets)
    expect(oneOctet).not.toEqual(reserved)
    expect([v4.key(oneOctet), v4.key(twoOctets), v4.key(reserved)]).toEqual([
      'destination-port =80',
      'destination-port =80',
      'destination-port =80',
    ])
  })
})

/** An UPDATE whose only attribute is MP_REACH_NLRI with no next hop and the given NLRI octets. */
function mpReach(afi: number, safi: number, nlriHex: string): Uint8Array {
  const value = `${afi.toString(16).padStart(4, '0')}${safi.toString(16).padStart(2, '0')}0000${nlriHex}`
  return encodeMessage(
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [{ code: 14, flags: 0x80, name: 'UNKNOWN', value }],
      nlri: [],
    },
    DEFAULT_CONTEXT,
  )
}

describe('malformed FlowSpec NLRI (RFC 8955 §4.2, §10; RFC 7606 §5.3: AFI/SAFI disable)', () => {
  const cases: [string, number, number, string, string][] = [
    ['components out of order', 1, 133, '060208c001080a', 'component type 1 after type 2'],
    ['a component type repeated', 1, 133, '06038106038111', 'component type 3 after type 3'],
    ['an unknown component type', 1, 133, '030e8101', 'unknown component type 14'],
    ['flow label (13) in an IPv4 rule', 1, 133, '030d8101', 'unknown component type 13'],
    // a short read inside the NLRI is a WireError, reported as the MP_REACH_NLRI attribute error
    ['an operator list without end-of-list', 1, 133, '03030106', 'needs'],
    ['an IPv4 prefix longer than 32 bits', 1, 133, '030121ff', 'prefix length 33'],
    ['an IPv6 offset not below the length', 2, 133, '0401404000', 'length 64 offset 64'],
    ['an IPv6 prefix longer than 128 bits', 2, 133, '0401810000', 'length 129 offset 0'],
    ['a VPN rule too short for its RD', 1, 134, '0400000000', 'no route distinguisher'],
    ['an NLRI length past the attribute', 1, 133, '05038106', 'needs 5 bytes'],
  ]
  it.each(cases)('%s', (_what, afi, safi, nlri, reason) => {
    const msg = mpReach(afi, safi, nlri)
    const r = decodeMessage(msg, DEFAULT_CONTEXT)
    const family = `${afi === 1 ? 'ipv4' : 'ipv6'}-flowspec${safi === 134 ? '-vpn' : ''}`
    expect(r.problems).toEqual([
      {
        kind: reason.startsWith('needs')
          ? 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR'
          : 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        action: 'afi-safi-disable',
        offset: expect.any(Number),
        attribute: 14,
        family,
        reason: expect.stringContaining(reason),
      },
    ])
    expect(r.action).toBe('afi-safi-disable')
    expect(encodeMessage(r.message!, DEFAULT_CONTEXT)).toEqual(msg)
  })

  it('the codec throws typed errors, never anything else', () => {
    for (const [, afi, safi, nlri] of cases) {
      const f = familyCodec(afi, safi)
      let thrown: unknown
      try {
        f.decode(reader(hexOrThrow(nlri)), undefined, false)
      } catch (e) {
        thrown = e
      }
      expect(thrown instanceof CodecError || thrown instanceof WireError, nlri).toBe(true)
    }
  })

  it('encoding refuses components out of order and values that do not fit their length', () => {
    const unordered: FlowspecNlri = {
      components: [
        { type: 3, name: 'ip-protocol', operators: [num({ eq: true, value: 6 })] },
        { type: 1, name: 'destination-prefix', prefix: '10.0.0.0/8' },
      ],
    }
    expect(() => encodeWith(unordered, v4.size, v4.encode)).toThrow(CodecError)
    const misshapen = {
      components: [{ type: 3, name: 'ip-protocol', prefix: '10.0.0.0/8' }],
    } as unknown as FlowspecNlri
    expect(() => encodeWith(misshapen, v4.size, v4.encode)).toThrow(CodecError)
    const wide: FlowspecNlri = { components: [{ type: 4, name: 'port', operators: [num({ value: 300 })] }] }
    expect(() => encodeWith(wide, v4.size, v4.encode)).toThrow(/does not fit 1 octet/)
  })
})

/** mulberry32: a small seeded PRNG, so a failing input can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('FlowSpec fuzz (seeded)', () => {
  it('random and mutated rules decode to typed errors or to values that re-encode exactly', () => {
    const rand = prng(20240611)
    const seeds = [
      '1001180a01010208c00403894 58b911f90'.replace(/ /g, ''),
      '0c016840123456789a02807801',
      '1602807800000000000000000000000000000001038111',
      '0e0000ffff0001000002200a000001',
    ].map((h) => hexOrThrow(h))
    const families = [v4, v6, vpn4, vpn6]
    let decoded = 0
    for (let i = 0; i < 20000; i++) {
      const seed = seeds[i % seeds.length]!
      const b = i % 3 === 0 ? new Uint8Array(1 + Math.floor(rand() * 40)) : seed.slice()
      if (i % 3 === 0) for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256)
      else
        for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
          b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256)
      if (i % 3 !== 0) b[0] = b.length - 1
      const f = families[i % families.length]!
      let n: FlowspecNlri
      try {
        const r = reader(b)
        n = f.decode(r, undefined, false)
        if (r.pos !== r.end) continue
      } catch (e) {
        expect(e instanceof CodecError || e instanceof WireError, `${toHex(b)}: ${e}`).toBe(true)
        continue
      }
      decoded++
      expect(toHex(encodeWith(n, f.size, f.encode)), toHex(b)).toBe(toHex(b))
    }
    expect(decoded).toBeGreaterThan(1000)
  })
})
