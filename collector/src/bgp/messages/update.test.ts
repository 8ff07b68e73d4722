import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../test-support/codecs.ts'
import { roundTripValue } from '../../../test-support/round-trip.ts'
import { ADD_PATH, ASN4, sample } from '../../../test-support/samples.ts'
import { attr, be32, MANDATORY, update } from '../../../test-support/wire-builder.ts'
import { decodeMessage } from './message.ts'
import type { UpdateMessage } from './update.ts'

function decoded(bytes: Uint8Array, ctx = ASN4): UpdateMessage {
  const r = decodeMessage(bytes, ctx)
  expect(r.problems).toEqual([])
  return r.message as UpdateMessage
}

const ORIGIN = { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' } as const
const AS_PATH = {
  code: 2,
  flags: 0x40,
  name: 'AS_PATH',
  value: [{ type: 'AS_SEQUENCE', asns: [65001] }],
} as const
const NEXT_HOP = { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' } as const

describe('UPDATE', () => {
  it('decodes withdrawn routes, attributes in wire order and NLRI', () => {
    expect(decoded(sample('update ipv4 withdraw, attributes, nlri').bytes)).toEqual({
      type: 'UPDATE',
      withdrawn: [{ prefix: '198.51.100.0/24' }, { prefix: '172.16.0.0/16' }],
      attributes: [
        ORIGIN,
        AS_PATH,
        NEXT_HOP,
        { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 10 },
        { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['65000:100', 'NO_EXPORT'] },
      ],
      nlri: [{ prefix: '192.0.2.0/24' }, { prefix: '10.0.0.0/8' }, { prefix: '203.0.113.7/32' }],
    })
  })

  it('keeps host bits of a prefix as sent, so the octets come back', () => {
    const bytes = update({ attributes: MANDATORY, nlri: [13, 11, 13 + 2] })
    expect(decoded(bytes).nlri).toEqual([{ prefix: '11.15.0.0/13' }])
    expect(roundTripValue(messageCodec(ASN4), decoded(bytes))).toEqual(bytes)
  })

  it('ADD-PATH: path ids on the IPv4 fields and in MP_REACH_NLRI', () => {
    const u = decoded(sample('update add-path ipv4 and ipv6').bytes, ADD_PATH)
    expect(u.withdrawn).toEqual([{ prefix: '198.51.100.0/24', pathId: 7 }])
    expect(u.nlri).toEqual([
      { prefix: '192.0.2.0/24', pathId: 1 },
      { prefix: '192.0.2.0/24', pathId: 2 },
    ])
    expect(u.attributes[0]).toEqual({
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: {
        afi: 2,
        safi: 1,
        family: 'ipv6-unicast',
        nextHop: ['2001:db8::1'],
        nlri: [{ prefix: '2001:db8::/32', pathId: 1 }],
      },
    })
    // Without ADD-PATH the same octets do not parse as the same routes.
    expect(decodeMessage(sample('update add-path ipv4 and ipv6').bytes, ASN4).problems).not.toEqual([])
  })

  describe('End-of-RIB (RFC 4724 §2)', () => {
    it('IPv4: an UPDATE with nothing in it', () => {
      expect(decoded(sample('update ipv4 end-of-rib').bytes)).toEqual({
        type: 'UPDATE',
        withdrawn: [],
        attributes: [],
        nlri: [],
        endOfRib: 'ipv4-unicast',
      })
    })

    it('other families: MP_UNREACH_NLRI alone, with no NLRI', () => {
      expect(decoded(sample('update ipv6 end-of-rib').bytes).endOfRib).toBe('ipv6-unicast')
      for (const [afi, safi, name] of [
        [1, 128, 'ipv4-vpn'],
        [1, 132, 'ipv4-rtc'],
        [2, 4, 'ipv6-labeled'],
        [25, 70, 'l2vpn-evpn'],
        [99, 9, 'afi-99-safi-9'],
      ] as const) {
        const bytes = update({ attributes: attr(0x80, 15, [0, afi, safi]) })
        expect(decoded(bytes).endOfRib, name).toBe(name)
        expect(roundTripValue(messageCodec(ASN4), decoded(bytes))).toEqual(bytes)
      }
    })

    it('is not set when anything else is there', () => {
      for (const bytes of [
        update({ attributes: [...attr(0x80, 15, [0, 2, 1]), ...attr(0x40, 1, [0])] }),
        update({ attributes: attr(0x80, 15, [0, 2, 1, 8, 0x20]) }),
        update({ withdrawn: [8, 10] }),
        update({ attributes: MANDATORY }),
        update({ attributes: attr(0x80, 14, [0, 2, 1, 16, ...new Array(16).fill(0), 0]) }),
      ]) {
        expect(decoded(bytes).endOfRib).toBeUndefined()
      }
    })
  })

  it('RFC 7606 §4: a withdrawn length overrunning the message is reported once, nothing else', () => {
    const r = decodeMessage(update({ withdrawnLength: 50, withdrawn: [] }), ASN4)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
        action: 'session-reset',
        offset: 19,
        reason: 'withdrawn routes length 50 exceeds the message',
      },
    ])
  })

  it('an unparseable NLRI field is reported once, as an invalid network field', () => {
    const r = decodeMessage(update({ attributes: MANDATORY, nlri: [24, 10, 0, 0, 33, ...be32(1)] }), ASN4)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        action: 'session-reset',
        offset: 48,
        reason: 'NLRI: prefix length 33 exceeds 32 bits',
      },
    ])
  })
})
