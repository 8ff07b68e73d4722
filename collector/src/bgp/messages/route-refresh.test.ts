import { describe, expect, it } from 'vitest'
import { ASN4, sample } from '../../../test-support/samples.ts'
import { message } from '../../../test-support/wire-builder.ts'
import { decodeMessage, encodeMessage } from './message.ts'

describe('ROUTE-REFRESH', () => {
  it.each([
    ['route refresh', { afi: 1, safi: 1, family: 'ipv4-unicast', subtype: 0, subtypeName: 'REFRESH' }],
    ['route refresh BoRR', { afi: 2, safi: 1, family: 'ipv6-unicast', subtype: 1, subtypeName: 'BORR' }],
    ['route refresh EoRR', { afi: 1, safi: 128, family: 'ipv4-vpn', subtype: 2, subtypeName: 'EORR' }],
    [
      'route refresh with ORF',
      {
        afi: 1,
        safi: 1,
        family: 'ipv4-unicast',
        subtype: 0,
        subtypeName: 'REFRESH',
        orf: '0140000b000000000a000018c00002',
      },
    ],
  ])('%s', (name, value) => {
    const r = decodeMessage(sample(name).bytes, ASN4)
    expect(r).toEqual({
      message: { type: 'ROUTE_REFRESH', ...value },
      problems: [],
      action: 'none',
      length: r.length,
    })
  })

  it('a reserved subtype is kept as a number, and an unknown family by number', () => {
    const bytes = message(5, [0, 99, 7, 200])
    const r = decodeMessage(bytes, ASN4)
    expect(r.message).toEqual({
      type: 'ROUTE_REFRESH',
      afi: 99,
      safi: 200,
      family: 'afi-99-safi-200',
      subtype: 7,
    })
    expect(encodeMessage(r.message!, ASN4)).toEqual(bytes)
  })

  it('RFC 7313 §5: BoRR or EoRR with octets after the SAFI is an invalid message length', () => {
    for (const subtype of [1, 2]) {
      const r = decodeMessage(message(5, [0, 1, subtype, 1, 0xaa]), ASN4)
      expect(r.message).toBeUndefined()
      expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
        ['NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH', 'session-reset', 23],
      ])
    }
  })

  it('RFC 7313 §5: a ROUTE-REFRESH shorter than 4 octets of body is an invalid message length', () => {
    const r = decodeMessage(message(5, [0, 1, 0]), ASN4)
    expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH', 'session-reset', 16],
    ])
  })
})
