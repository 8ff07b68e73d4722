import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../wire/hex.ts'
import { reader } from '../../wire/reader.ts'
import { CodecError } from '../errors.ts'
import { type MupNlri, mupFamily } from './mup.ts'
import { decodeNlriList } from './nlri-list.ts'
import { familyCodec } from './registry.ts'

const mup = mupFamily(1, 'ipv4-mup')
const codec: Codec<MupNlri> = {
  size: (n) => mup.size(n),
  encode: (w, n) => mup.encode(w, n),
  decode: (r) => mup.decode(r, undefined, false),
}

describe('MUP NLRI (draft-mpmz-bess-mup-safi), kept raw per route', () => {
  it('delimits routes by architecture type, route type and length', () => {
    const t1st = '0100031c000000640000006420c0a800020000303909200a000001200a000101'
    expect(roundTripBytes(codec, hexOrThrow(t1st))).toEqual({
      architectureType: 1,
      routeType: 3,
      raw: '000000640000006420c0a800020000303909200a000001200a000101',
    })
    const list = decodeNlriList(familyCodec(1, 85), reader(hexOrThrow(`${t1st}01000100`)), false, false)
    expect(list.map((n) => (n as MupNlri).routeType)).toEqual([3, 1])
    expect(familyCodec(2, 85).name).toBe('ipv6-mup')
  })

  it('round-trips values', () => {
    roundTripValue(codec, { architectureType: 1, routeType: 4, raw: '0102' })
  })

  it('rejects a length that overruns the field', () => {
    expect(() => codec.decode(reader(hexOrThrow('0100031c0000')))).toThrow(CodecError)
  })
})
