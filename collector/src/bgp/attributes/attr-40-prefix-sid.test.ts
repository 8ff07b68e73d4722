import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { reader, WireError } from '../../wire/reader.ts'
import { encodeWith } from '../../wire/writer.ts'
import { DEFAULT_CONTEXT } from '../context.ts'
import { CodecError } from '../errors.ts'
import { decodeMessage, encodeMessage } from '../messages/message.ts'
import { type PrefixSid, prefixSid } from './attr-40-prefix-sid.ts'

const codec: Codec<PrefixSid> = {
  size: (v) => prefixSid.size(v, DEFAULT_CONTEXT),
  encode: (w, v) => prefixSid.encode(w, v, DEFAULT_CONTEXT),
  decode: (r) => prefixSid.decode(r, DEFAULT_CONTEXT),
}

describe('PREFIX_SID (RFC 8669, RFC 9252)', () => {
  it('label index and originator SRGB (RFC 8669 §3)', () => {
    const v = roundTripBytes(codec, hexOrThrow('0100070000000000012c03000e00000c35000010000f4240001388'))
    expect(v).toEqual([
      { type: 1, name: 'label-index', flags: 0, labelIndex: 300 },
      {
        type: 3,
        name: 'originator-srgb',
        flags: 0,
        srgb: [
          { base: 800000, range: 4096 },
          { base: 1000000, range: 5000 },
        ],
      },
    ])
  })

  it('SRv6 L3 service with SID information and SID structure (RFC 9252 §2, §3)', () => {
    const v = roundTripBytes(
      codec,
      hexOrThrow(
        '05002200' +
          '01001e00' +
          'fc000000000100000000000000000000' +
          '00' +
          '0013' +
          '00' +
          '010006' +
          '202010000000',
      ),
    )
    expect(v).toEqual([
      {
        type: 5,
        name: 'srv6-l3-service',
        subTlvs: [
          {
            type: 1,
            name: 'srv6-sid-information',
            sid: 'fc00:0:1::',
            flags: 0,
            endpointBehavior: 19,
            subSubTlvs: [
              {
                type: 1,
                name: 'sid-structure',
                locatorBlockLength: 32,
                locatorNodeLength: 32,
                functionLength: 16,
                argumentLength: 0,
                transpositionLength: 0,
                transpositionOffset: 0,
              },
            ],
          },
        ],
      },
    ])
  })

  it('SRv6 L2 service, reserved fields, unknown TLVs at every level', () => {
    roundTripValue(codec, [
      {
        type: 6,
        name: 'srv6-l2-service',
        reserved: 1,
        subTlvs: [
          {
            type: 1,
            name: 'srv6-sid-information',
            sid: '2001:db8::',
            flags: 0x80,
            endpointBehavior: 0xffff,
            subSubTlvs: [{ type: 9, hex: 'abcd' }],
            reserved1: 2,
            reserved2: 3,
          },
          { type: 7, hex: '' },
        ],
      },
      { type: 1, name: 'label-index', flags: 0x8000, labelIndex: 0xffffffff, reserved: 9 },
      { type: 4, hex: '0011223344' },
    ])
  })
})

describe('malformed PREFIX_SID is attribute-discard (RFC 8669 §6, RFC 9252 §6)', () => {
  const cases: [string, string, string][] = [
    ['a label index TLV of 6 octets', '010006000000000001', 'label-index TLV of 6 octets'],
    ['an SRGB TLV without a range', '0300020000', 'originator SRGB TLV of 2 octets'],
    ['an SRGB TLV with a partial range', '030005000000000a00', 'originator SRGB TLV of 5 octets'],
    ['a TLV past the attribute', '01000700', 'overruns'],
    [
      'an SRv6 SID information of 20 octets',
      `050018000100140000${'00'.repeat(18)}`,
      'SRv6 SID information of 20 octets',
    ],
    [
      'a SID structure of 5 octets',
      `0500210001001d${'00'.repeat(21)}0100050000000000`,
      'SRv6 SID structure of 5 octets',
    ],
  ]
  it.each(cases)('%s', (_what, hex, reason) => {
    const msg = encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [{ code: 40, flags: 0xc0, name: 'UNKNOWN', value: hex }],
        nlri: [],
      },
      DEFAULT_CONTEXT,
    )
    const r = decodeMessage(msg, DEFAULT_CONTEXT)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'attribute-discard',
        offset: expect.any(Number),
        attribute: 40,
        reason: expect.stringContaining(reason),
      },
    ])
    expect(r.action).toBe('attribute-discard')
    expect(encodeMessage(r.message!, DEFAULT_CONTEXT)).toEqual(msg)
  })
})

describe('PREFIX_SID fuzz (seeded)', () => {
  it('mutated attributes decode to typed errors or to values that re-encode exactly', () => {
    let a = 11
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0
      return a / 4294967296
    }
    const seed = hexOrThrow(
      '0100070000000000012c03000800000c35000010000500220001001e00fc000000000100000000000000000000000013' +
        '00010006202010001040',
    )
    let decoded = 0
    for (let i = 0; i < 20000; i++) {
      const b = seed.slice()
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
        b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256)
      let v: PrefixSid
      try {
        v = prefixSid.decode(reader(b), DEFAULT_CONTEXT)
      } catch (e) {
        expect(e instanceof CodecError || e instanceof WireError, `${toHex(b)}: ${e}`).toBe(true)
        continue
      }
      decoded++
      expect(toHex(encodeWith(v, codec.size, codec.encode)), toHex(b)).toBe(toHex(b))
    }
    expect(decoded).toBeGreaterThan(1000)
  })
})
