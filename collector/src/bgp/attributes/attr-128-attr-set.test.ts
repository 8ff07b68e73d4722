import { describe, expect, it } from 'vitest'
import { attributeCodec } from '../../../test-support/codecs.ts'
import { roundTripBytes } from '../../../test-support/round-trip.ts'
import { ASN4, EXTENDED } from '../../../test-support/samples.ts'
import { attr, be16, be32, update } from '../../../test-support/wire-builder.ts'
import { decodeMessage, encodeMessage } from '../messages/message.ts'

/** ATTR_SET holding `inner`, `depth` times over (extended lengths; origin AS 65000 innermost, counting up). */
function nested(depth: number, inner: number[]): number[] {
  const heads: number[][] = []
  let total = inner.length
  for (let i = 0; i < depth; i++) {
    heads.push([0xd0, 128, ...be16(4 + total), ...be32(65000 + i)])
    total += 8
  }
  return [...heads.reverse().flat(), ...inner]
}

describe('ATTR_SET (RFC 6368)', () => {
  it('carries another ATTR_SET inside it, down to 8 levels', () => {
    expect(roundTripBytes(attributeCodec(ASN4), Uint8Array.from(nested(8, attr(0x40, 1, [2])))).name).toBe(
      'ATTR_SET',
    )
    expect(() =>
      roundTripBytes(attributeCodec(ASN4), Uint8Array.from(nested(9, attr(0x40, 1, [2])))),
    ).toThrow(/nested more than 8 deep/)
    const bytes = Uint8Array.from(nested(2, attr(0x40, 1, [2])))
    expect(roundTripBytes(attributeCodec(ASN4), bytes)).toEqual({
      code: 128,
      flags: 0xd0,
      name: 'ATTR_SET',
      value: {
        originAs: 65001,
        attributes: [
          {
            code: 128,
            flags: 0xd0,
            name: 'ATTR_SET',
            value: {
              originAs: 65000,
              attributes: [{ code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' }],
            },
          },
        ],
      },
    })
  })

  it('RFC 7606 §7.16: a bad attribute inside makes the whole ATTR_SET treat-as-withdraw', () => {
    const set = attr(0xc0, 128, [...be32(65000), ...attr(0x40, 1, [1]), ...attr(0x40, 2, [9, 1, 0, 0, 0, 1])])
    const r = decodeMessage(update({ attributes: set }), ASN4)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        action: 'treat-as-withdraw',
        offset: 37,
        attribute: 128,
        reason: 'ATTR_SET: AS_PATH: segment type 9',
      },
    ])
  })

  it('too short for its origin AS is treat-as-withdraw', () => {
    const r = decodeMessage(update({ attributes: attr(0xc0, 128, [0, 0, 1]) }), ASN4)
    expect(r.problems.map((p) => [p.kind, p.action, p.offset, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 'treat-as-withdraw', 26, 128],
    ])
  })

  it('nesting beyond any use is refused quickly and typed, not left to exhaust the stack', () => {
    const depth = 4000
    const attrs = nested(depth, attr(0x40, 1, [0]))
    const bytes = update({ attributes: attrs })
    expect(bytes.length).toBeLessThan(65536)
    const t0 = performance.now()
    const r = decodeMessage(bytes, EXTENDED)
    expect(performance.now() - t0).toBeLessThan(500)
    expect(r.action).toBe('treat-as-withdraw')
    expect(r.problems.map((p) => [p.kind, p.offset, p.attribute])).toEqual([
      // found at the ninth level: 23 + 8 levels of 8 octets + its own header and origin AS
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 23 + 8 * 8 + 8, 128],
    ])
    // What was received is kept whole and encodes back exactly.
    expect(encodeMessage(r.message!, EXTENDED)).toEqual(bytes)
    expect(be16(attrs.length)).toEqual([bytes[21], bytes[22]])
  })
})
