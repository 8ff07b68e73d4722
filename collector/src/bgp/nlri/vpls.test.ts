import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../wire/hex.ts'
import { reader } from '../../wire/reader.ts'
import { CodecError } from '../errors.ts'
import { type L2vpnVplsNlri, vplsFamily } from './vpls.ts'

const vpls: Codec<L2vpnVplsNlri> = {
  size: (n) => vplsFamily.size(n),
  encode: (w, n) => vplsFamily.encode(w, n),
  decode: (r) => vplsFamily.decode(r, undefined, false),
}

describe('l2vpn-vpls NLRI (RFC 4761 §3.2.2, RFC 6074 §3.2.2)', () => {
  it('decodes the RFC 4761 form (ExaBGP conf-l2vpn vector)', () => {
    expect(roundTripBytes(vpls, hexOrThrow('0011 0001c0a8c901007b 0005 0001 0008 029ce1'))).toEqual({
      rd: '192.168.201.1:123',
      veId: 5,
      veBlockOffset: 1,
      veBlockSize: 8,
      labelBase: 10702,
    })
  })

  it('keeps label base flags that are not the usual bottom-of-stack', () => {
    expect(roundTripBytes(vpls, hexOrThrow('0011 00000064000000c8 0001 0000 000a 000640'))).toEqual({
      rd: '100:200',
      veId: 1,
      veBlockOffset: 0,
      veBlockSize: 10,
      labelBase: 100,
      labelBaseFlags: 0,
    })
  })

  it('decodes the RFC 6074 BGP-AD form', () => {
    expect(roundTripBytes(vpls, hexOrThrow('000c 0000fde800000001 c0000201'))).toEqual({
      rd: '65000:1',
      peAddress: '192.0.2.1',
    })
    roundTripValue(vpls, { rd: '65000:1', peAddress: '2001:db8::1' })
  })

  it('round-trips values', () => {
    roundTripValue(vpls, {
      rd: '4200000000:1',
      veId: 65535,
      veBlockOffset: 17,
      veBlockSize: 8,
      labelBase: 0xfffff,
    })
  })

  it('keys a route by the whole NLRI', () => {
    expect(vplsFamily.key({ rd: '1:1', veId: 2, veBlockOffset: 3, veBlockSize: 4, labelBase: 5 })).toBe(
      '1:1:2:3:4:5',
    )
  })

  it('rejects other lengths and overruns with typed errors', () => {
    for (const [hex, reason] of [
      ['0010 0001c0a8c901007b 0005 0001 0008 029c', /length 16, not 17/],
      ['0011 0001c0a8c901007b 0005 0001 0008', /overruns the NLRI field/],
    ] as const) {
      let err: unknown
      try {
        vpls.decode(reader(hexOrThrow(hex)))
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(CodecError)
      expect((err as CodecError).kind).toBe('NOTIFY.UPDATE.INVALID_NETWORK_FIELD')
      expect((err as CodecError).message).toMatch(reason)
    }
  })
})
