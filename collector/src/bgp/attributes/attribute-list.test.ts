import { describe, expect, it } from 'vitest'
import { ASN4 } from '../../../test-support/samples.ts'
import { attr, be32 } from '../../../test-support/wire-builder.ts'
import { reader } from '../../wire/reader.ts'
import { encodeWith } from '../../wire/writer.ts'
import {
  attributeListSize,
  decodeAttributeList,
  encodeAttributeList,
  type ProblemLog,
} from './attribute-list.ts'

function decode(bytes: number[], ctx = ASN4) {
  const log: ProblemLog = { base: 0, list: [] }
  const list = decodeAttributeList(reader(Uint8Array.from(bytes)), ctx, log)
  const again = encodeWith(
    list,
    (l) => attributeListSize(l, ctx),
    (w, l) => encodeAttributeList(w, l, ctx),
  )
  return { list, problems: log.list, again: [...again] }
}

describe('attribute list', () => {
  it('a malformed attribute stays in the list with its whole octets and encodes back exactly', () => {
    const bytes = [...attr(0x40, 1, [9]), ...attr(0x40, 3, [1, 2, 3, 4, 5]), ...attr(0x80, 4, be32(5))]
    const { list, problems, again } = decode(bytes)
    expect(list).toEqual([
      {
        code: 1,
        flags: 0x40,
        name: 'MALFORMED',
        value: { error: 'NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE', hex: '40010109' },
      },
      {
        code: 3,
        flags: 0x40,
        name: 'MALFORMED',
        value: { error: 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR', hex: '4003050102030405' },
      },
      { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 5 },
    ])
    expect(problems.map((p) => [p.kind, p.action, p.offset, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE', 'treat-as-withdraw', 3, 1],
      ['NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR', 'treat-as-withdraw', 7, 3],
    ])
    expect(again).toEqual(bytes)
  })

  it('RFC 7606 §3(g): a repeated attribute is listed as sent; only the first occurrence counts', () => {
    const bytes = [...attr(0x80, 4, be32(1)), ...attr(0x80, 4, [0]), ...attr(0x80, 4, be32(3))]
    const { list, problems, again } = decode(bytes)
    expect(list.map((a) => a.name)).toEqual(['MULTI_EXIT_DISC', 'MALFORMED', 'MULTI_EXIT_DISC'])
    // The malformed repeat is discarded: its own length error is not reported.
    expect(problems.map((p) => [p.kind, p.action, p.offset, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', 'attribute-discard', 7, 4],
      ['NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', 'attribute-discard', 11, 4],
    ])
    expect(again).toEqual(bytes)
  })

  it('repeats are found for type codes in every range (below 32, 32..63, 64 and up)', () => {
    for (const code of [31, 50, 63, 64, 200, 255]) {
      const { problems } = decode([...attr(0xc0, code, [1]), ...attr(0xc0, code, [2])])
      expect(
        problems.map((p) => [p.action, p.attribute]),
        `code ${code}`,
      ).toEqual([['attribute-discard', code]])
    }
  })

  it('an attribute overrunning the section swallows the rest as MALFORMED', () => {
    const bytes = [...attr(0x40, 1, [0]), 0x40, 2, 9, 2, 1]
    const { list, problems, again } = decode(bytes)
    expect(list).toEqual([
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      {
        code: 2,
        flags: 0x40,
        name: 'MALFORMED',
        value: { error: 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', hex: '4002090201' },
      },
    ])
    expect(problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', 'treat-as-withdraw', 4],
    ])
    expect(again).toEqual(bytes)
  })

  it('too few octets for a header (including an extended one) is treat-as-withdraw', () => {
    for (const tail of [[0x40], [0x40, 1], [0x50, 1, 0]]) {
      const { list, problems, again } = decode([...attr(0x40, 1, [0]), ...tail])
      expect(list[1]!.name).toBe('MALFORMED')
      expect(problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
        ['NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', 'treat-as-withdraw', 4],
      ])
      expect(again).toEqual([...attr(0x40, 1, [0]), ...tail])
    }
  })

  it('an empty section decodes to an empty list', () => {
    expect(decode([])).toEqual({ list: [], problems: [], again: [] })
  })
})
