import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../test-support/codecs.ts'
import { roundTripValue } from '../../../test-support/round-trip.ts'
import { ASN4, CAPS, sample } from '../../../test-support/samples.ts'
import { be16, be32, capabilityParameter, message, openBody } from '../../../test-support/wire-builder.ts'
import { CodecError } from '../errors.ts'
import { decodeMessage, encodeMessage } from './message.ts'
import { type OpenMessage, openAsn, openCapabilities } from './open.ts'

function open(name: string): OpenMessage {
  const r = decodeMessage(sample(name).bytes, ASN4)
  expect(r.problems).toEqual([])
  return r.message as OpenMessage
}

const MP_IPV4 = {
  code: 1,
  name: 'MULTIPROTOCOL',
  value: { afi: 1, safi: 1, family: 'ipv4-unicast' },
} as const

describe('OPEN', () => {
  it('one capability per optional parameter, as many speakers send them', () => {
    expect(open('open one capability per parameter')).toEqual({
      type: 'OPEN',
      version: 4,
      asn: 23456,
      holdTime: 180,
      bgpId: '192.0.2.1',
      parameters: [
        { type: 2, capabilities: [MP_IPV4] },
        {
          type: 2,
          capabilities: [
            { code: 1, name: 'MULTIPROTOCOL', value: { afi: 2, safi: 1, family: 'ipv6-unicast' } },
          ],
        },
        { type: 2, capabilities: [{ code: 2, name: 'ROUTE_REFRESH', value: true }] },
        { type: 2, capabilities: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 4200000000 } }] },
      ],
    })
  })

  it('several capabilities in one parameter stay in one parameter, in order', () => {
    const o = open('open every capability in one parameter')
    expect(o.parameters).toHaveLength(1)
    expect(openCapabilities(o).map((c) => [c.code, c.name])).toEqual([
      [1, 'MULTIPROTOCOL'],
      [1, 'MULTIPROTOCOL'],
      [1, 'MULTIPROTOCOL'],
      [2, 'ROUTE_REFRESH'],
      [5, 'EXTENDED_NEXT_HOP'],
      [6, 'EXTENDED_MESSAGE'],
      [9, 'BGP_ROLE'],
      [64, 'GRACEFUL_RESTART'],
      [65, 'FOUR_OCTET_AS'],
      [69, 'ADD_PATH'],
      [70, 'ENHANCED_ROUTE_REFRESH'],
      [71, 'LONG_LIVED_GRACEFUL_RESTART'],
      [73, 'FQDN'],
      [75, 'SOFTWARE_VERSION'],
      [200, 'UNKNOWN'],
    ])
  })

  it('RFC 9072 extended optional parameters: marked, same capabilities, 2-octet lengths kept', () => {
    const ext = open('open with RFC 9072 extended optional parameters')
    const plain = open('open every capability in one parameter')
    expect(ext).toEqual({
      type: 'OPEN',
      version: 4,
      asn: 65001,
      holdTime: 90,
      bgpId: '10.0.0.1',
      parameters: [...plain.parameters, { type: 1, hex: 'eeff' }],
      extendedParameters: true,
    })
    // Re-encoding keeps the extended form even though it would fit the short one.
    const bytes = roundTripValue(messageCodec(ASN4), ext)
    expect([...bytes.subarray(28, 33)]).toEqual([255, 255, ...be16(bytes.length - 32), 2])
  })

  it('a non-capability parameter is kept as hex', () => {
    expect(open('open with a non-capability parameter').parameters).toEqual([
      { type: 1, hex: '010203' },
      { type: 2, capabilities: [MP_IPV4] },
    ])
    expect(open('open without parameters').parameters).toEqual([])
  })

  it("openAsn is FOUR_OCTET_AS's AS when present, else My AS", () => {
    expect(openAsn(open('open one capability per parameter'))).toBe(4200000000)
    expect(openAsn(open('open without parameters'))).toBe(65001)
  })

  it('a malformed capability is kept with its octets and reported; the OPEN is still decoded', () => {
    const bytes = message(1, openBody(capabilityParameter(CAPS.mpIpv4, [65, [0, 0, 1]], CAPS.routeRefresh)))
    const r = decodeMessage(bytes, ASN4)
    expect(r.problems).toEqual([
      {
        kind: 'NOTIFY.OPEN.UNSPECIFIC',
        action: 'session-reset',
        offset: 39,
        reason: 'capability FOUR_OCTET_AS: u32 needs 4 bytes at offset 39, 3 left',
      },
    ])
    expect(openCapabilities(r.message as OpenMessage)).toEqual([
      MP_IPV4,
      { code: 65, name: 'MALFORMED', value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: '000001' } },
      { code: 2, name: 'ROUTE_REFRESH', value: true },
    ])
    expect(decodeMessage(bytes, ASN4).message).toEqual(r.message)
  })

  it('a parameter overrunning the optional parameters is a session reset with no message', () => {
    const body = [4, ...be16(65001), ...be16(180), ...be32(0xc0000201), 4, 2, 6, 1, 4]
    const r = decodeMessage(message(1, body), ASN4)
    expect(r.message).toBeUndefined()
    expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.OPEN.UNSPECIFIC', 'session-reset', 31],
    ])
  })

  it('octets after the optional parameters are reported', () => {
    const r = decodeMessage(message(1, [...openBody([]), 0xaa]), ASN4)
    expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.OPEN.UNSPECIFIC', 'session-reset', 29],
    ])
  })

  it('optional parameters over 255 octets encode only in the RFC 9072 form', () => {
    const many = Array.from({ length: 70 }, (_, i) => ({
      type: 2 as const,
      capabilities: [{ code: 200 + (i % 50), name: 'UNKNOWN' as const, value: '0102' }],
    }))
    const open: OpenMessage = {
      type: 'OPEN',
      version: 4,
      asn: 64500,
      holdTime: 90,
      bgpId: '192.0.2.1',
      parameters: many,
    }
    expect(() => messageCodec(ASN4).size(open) && encodeMessage(open, ASN4)).toThrow(CodecError)
    roundTripValue(messageCodec(ASN4), { ...open, extendedParameters: true })
  })

  it('an OPEN shorter than its fixed fields is a bad message length', () => {
    const r = decodeMessage(message(1, [4, 0, 1, 0, 90, 1, 2, 3, 4]), ASN4)
    expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.HEADER.BAD_MESSAGE_LENGTH', 'session-reset', 16],
    ])
  })
})
