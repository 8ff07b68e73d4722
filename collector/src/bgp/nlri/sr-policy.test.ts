import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { reader } from '../../wire/reader.ts'
import { encodeWith } from '../../wire/writer.ts'
import { DEFAULT_CONTEXT } from '../context.ts'
import { CodecError } from '../errors.ts'
import { decodeMessage, encodeMessage } from '../messages/message.ts'
import { familyCodec } from './registry.ts'
import type { SrPolicyNlri } from './sr-policy.ts'
import type { FamilyCodec } from './types.ts'

const v4 = familyCodec(1, 73) as FamilyCodec<SrPolicyNlri>
const v6 = familyCodec(2, 73) as FamilyCodec<SrPolicyNlri>

function codec(f: FamilyCodec<SrPolicyNlri>): Codec<SrPolicyNlri> {
  return { size: f.size, encode: f.encode, decode: (r) => f.decode(r, undefined, false) }
}

describe('SR Policy NLRI (RFC 9830 §2.1)', () => {
  it('IPv4: 96 bits of distinguisher, color, endpoint', () => {
    const n = roundTripBytes(codec(v4), hexOrThrow('6000000000000000640a000001'))
    expect(n).toEqual({ distinguisher: 0, color: 100, endpoint: '10.0.0.1', pathId: undefined })
    expect(v4.key(n)).toBe('0:100:10.0.0.1')
    expect(v4.name).toBe('ipv4-srpolicy')
    expect(v4.nextHop).toBe('ip')
  })

  it('IPv6: 192 bits, large distinguisher and color', () => {
    const n: SrPolicyNlri = { distinguisher: 0xfffffffe, color: 4294967295, endpoint: '2001:db8::1' }
    expect(toHex(roundTripValue(codec(v6), n))).toBe('c0fffffffeffffffff20010db8000000000000000000000001')
  })

  it('rejects a length other than the AFI allows, and an endpoint of the wrong family', () => {
    expect(() => v4.decode(reader(hexOrThrow('c000000000000000640a000001')), undefined, false)).toThrow(
      /length 192 bits, expected 96/,
    )
    expect(() => encodeWith({ distinguisher: 0, color: 1, endpoint: '::1' }, v4.size, v4.encode)).toThrow(
      CodecError,
    )
  })

  it('a malformed SR Policy NLRI disables the family (RFC 7606 §5.3)', () => {
    const value = '00014904c00002010058000000000000006400000000'
    const msg = encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [{ code: 14, flags: 0x80, name: 'UNKNOWN', value }],
        nlri: [],
      },
      DEFAULT_CONTEXT,
    )
    const r = decodeMessage(msg, DEFAULT_CONTEXT)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        action: 'afi-safi-disable',
        offset: 35, // the NLRI length octet: 19 header + 4 lengths + 3 attribute header + 9 MP_REACH fields
        attribute: 14,
        family: 'ipv4-srpolicy',
        reason: 'ipv4-srpolicy: SR Policy NLRI length 88 bits, expected 96',
      },
    ])
  })
})
