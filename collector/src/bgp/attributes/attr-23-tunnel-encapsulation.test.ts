import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { reader, WireError } from '../../wire/reader.ts'
import { encodeWith } from '../../wire/writer.ts'
import { DEFAULT_CONTEXT } from '../context.ts'
import { CodecError } from '../errors.ts'
import { decodeMessage, encodeMessage } from '../messages/message.ts'
import { tunnelEncapsulation } from './attr-23-tunnel-encapsulation.ts'
import type { TunnelEncapsulation } from './tunnel-encapsulation/types.ts'

const codec: Codec<TunnelEncapsulation> = {
  size: (v) => tunnelEncapsulation.size(v, DEFAULT_CONTEXT),
  encode: (w, v) => tunnelEncapsulation.encode(w, v, DEFAULT_CONTEXT),
  decode: (r) => tunnelEncapsulation.decode(r, DEFAULT_CONTEXT),
}

const label = (l: number, s = true) => ({ label: l, tc: 0, s, ttl: 0 })

describe('TUNNEL_ENCAPSULATION (RFC 9012)', () => {
  it('an SR Policy candidate path as ExaBGP sends it', () => {
    const v = roundTripBytes(
      codec,
      hexOrThrow('000f00240c060000000000640d06100005dc01008000110009060000000000010106000003e81100'),
    )
    expect(v).toEqual([
      {
        tunnelType: 15,
        name: 'sr-policy',
        subTlvs: [
          { type: 12, name: 'preference', flags: 0, preference: 100 },
          { type: 13, name: 'binding-sid', flags: 0x10, label: label(24000) },
          {
            type: 128,
            name: 'segment-list',
            subTlvs: [
              { type: 9, name: 'weight', flags: 0, weight: 1 },
              { type: 1, name: 'segment-type-a', flags: 0, ...label(16001) },
            ],
          },
        ],
      },
    ])
  })

  it('RFC 9012 §3 sub-TLVs, reserved fields kept, unknown ones raw with either length width', () => {
    roundTripValue(codec, [
      {
        tunnelType: 8,
        name: 'vxlan',
        subTlvs: [
          { type: 1, name: 'encapsulation', flags: 0xc0, vnId: 10100, mac: '02:00:5e:10:00:01' },
          { type: 2, name: 'protocol-type', protocolType: 0x6558 },
          { type: 3, hex: '0001020304' },
          {
            type: 4,
            name: 'color',
            community: { type: 3, subtype: 11, name: 'color', flags: 0, color: 100 },
          },
          { type: 6, name: 'tunnel-egress-endpoint', afi: 1, address: '192.0.2.1' },
          { type: 7, name: 'ds-field', ds: 46 },
          { type: 8, name: 'udp-destination-port', port: 4789 },
          { type: 9, name: 'embedded-label-handling', handling: 2 },
          {
            type: 10,
            name: 'mpls-label-stack',
            labels: [label(16, false), { label: 17, tc: 5, s: true, ttl: 64 }],
          },
          { type: 200, hex: 'aabb' },
        ],
      },
      {
        tunnelType: 9,
        name: 'nvgre',
        subTlvs: [
          { type: 1, name: 'encapsulation', flags: 0x80, vnId: 7, mac: '00:00:00:00:00:00', reserved: 1 },
        ],
      },
      {
        tunnelType: 2,
        name: 'gre',
        subTlvs: [
          { type: 1, name: 'encapsulation', key: 0xdeadbeef },
          { type: 6, name: 'tunnel-egress-endpoint', afi: 2, address: '2001:db8::1', reserved: 5 },
        ],
      },
      {
        tunnelType: 1,
        name: 'l2tpv3',
        subTlvs: [
          { type: 1, name: 'encapsulation', sessionId: 9, cookie: '0102030405060708' },
          { type: 6, name: 'tunnel-egress-endpoint', afi: 0 },
        ],
      },
      {
        tunnelType: 12,
        name: 'vxlan-gpe',
        subTlvs: [
          { type: 1, name: 'encapsulation', hex: '0000000000006400' },
          { type: 6, name: 'tunnel-egress-endpoint', afi: 25, addressHex: '0102' },
        ],
      },
      { tunnelType: 999, subTlvs: [] },
    ])
  })

  it('RFC 9830 §2.4 SR Policy sub-TLVs and segment types A and B; other segment types raw', () => {
    const structure = {
      endpointBehavior: 48,
      locatorBlockLength: 32,
      locatorNodeLength: 16,
      functionLength: 16,
      argumentLength: 0,
    }
    roundTripValue(codec, [
      {
        tunnelType: 15,
        name: 'sr-policy',
        subTlvs: [
          { type: 12, name: 'preference', flags: 0, preference: 200, reserved: 1 },
          { type: 13, name: 'binding-sid', flags: 0x80 },
          { type: 13, name: 'binding-sid', flags: 0x40, sid: '2001:db8:b::' },
          { type: 14, name: 'enlp', flags: 0, enlp: 3 },
          { type: 15, name: 'priority', priority: 7 },
          { type: 20, name: 'srv6-binding-sid', flags: 0x20, sid: '2001:db8:b::1', structure },
          { type: 20, name: 'srv6-binding-sid', flags: 0, sid: '2001:db8:b::2' },
          {
            type: 128,
            name: 'segment-list',
            subTlvs: [
              { type: 9, name: 'weight', flags: 0, weight: 10 },
              { type: 1, name: 'segment-type-a', flags: 0x80, label: 1000, tc: 1, s: false, ttl: 255 },
              { type: 13, name: 'segment-type-b', flags: 0, sid: '2001:db8::100' },
              {
                type: 13,
                name: 'segment-type-b',
                flags: 0x10,
                sid: '2001:db8::101',
                structure: { ...structure, reserved: 2 },
              },
              { type: 3, hex: '0000c000020100003e81' },
            ],
            reserved: 0xff,
          },
          { type: 129, name: 'policy-candidate-path-name', text: 'backup via Zürich' },
          { type: 130, name: 'policy-name', text: 'gold' },
          { type: 130, hex: '00ff' },
        ],
      },
    ])
  })

  it('keeps a name that is not UTF-8 as raw octets', () => {
    expect(roundTripBytes(codec, hexOrThrow('000f00058200020080'))).toEqual([
      { tunnelType: 15, name: 'sr-policy', subTlvs: [{ type: 130, hex: '0080' }] },
    ])
  })
})

describe('malformed TUNNEL_ENCAPSULATION is treat-as-withdraw (RFC 9012 §13)', () => {
  const cases: [string, string, string][] = [
    ['a TLV past the attribute', '000f0010', 'overruns the attribute'],
    ['a TLV header cut short', '000f00', 'too few for a tunnel TLV header'],
    ['a sub-TLV past its TLV', '000f00030c0600', 'overruns its TLV'],
    ['a preference of 5 octets', '000f00070c050000000064', 'preference sub-TLV of 5 octets'],
    ['a binding SID of 5 octets', '000f00070d0500000005dc', 'binding SID sub-TLV of 5 octets'],
    ['a segment past its segment list', '000f000780000400010600', 'overruns'],
    ['a segment type A of 4 octets', '000f000a800007000104' + '00003e81', 'segment type A of 4 octets'],
    [
      'a tunnel egress endpoint AFI 1 with 16 octets',
      '00080018' + '0616' + '000000000001' + '20010db8000000000000000000000001',
      'tunnel egress endpoint AFI 1 of 16 octets',
    ],
  ]
  it.each(cases)('%s', (_what, hex, reason) => {
    const msg = encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [{ code: 23, flags: 0xc0, name: 'UNKNOWN', value: hex }],
        nlri: [],
      },
      DEFAULT_CONTEXT,
    )
    const r = decodeMessage(msg, DEFAULT_CONTEXT)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'treat-as-withdraw',
        offset: expect.any(Number),
        attribute: 23,
        reason: expect.stringContaining(reason),
      },
    ])
    expect(r.message).toMatchObject({
      attributes: [
        { code: 23, name: 'MALFORMED', value: { error: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR' } },
      ],
    })
    expect(encodeMessage(r.message!, DEFAULT_CONTEXT)).toEqual(msg)
  })
})

describe('TUNNEL_ENCAPSULATION fuzz (seeded)', () => {
  it('mutated attributes decode to typed errors or to values that re-encode exactly', () => {
    let a = 7
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0
      return a / 4294967296
    }
    const seed = hexOrThrow(
      '000f00240c060000000000640d06100005dc01008000110009060000000000010106000003e81100' +
        '00080070010cc000277402005e1000010000061600000000000220010db8000000000000000000000001080212b5' +
        '0a04000101000f020700141a200020010db8000b000000000000000000010030000020101000800015000d120000' +
        '20010db800000000000000000000010082000500676f6c64',
    )
    let decoded = 0
    for (let i = 0; i < 20000; i++) {
      const b = seed.slice()
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
        b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256)
      const r = reader(b)
      let v: TunnelEncapsulation
      try {
        v = tunnelEncapsulation.decode(r, DEFAULT_CONTEXT)
      } catch (e) {
        expect(e instanceof CodecError || e instanceof WireError, `${toHex(b)}: ${e}`).toBe(true)
        continue
      }
      decoded++
      expect(toHex(encodeWith(v, (x) => codec.size(x), codec.encode)), toHex(b)).toBe(toHex(b))
    }
    expect(decoded).toBeGreaterThan(1000)
  })
})
