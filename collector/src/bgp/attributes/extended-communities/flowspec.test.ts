import { describe, expect, it } from 'vitest'
import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import {
  decodeIpv6ExtendedCommunity,
  encodeIpv6ExtendedCommunity,
  formatIpv6ExtendedCommunity,
} from './ipv6.ts'
import { decodeExtendedCommunity, encodeExtendedCommunity, formatExtendedCommunity } from './registry.ts'
import type { ExtendedCommunity } from './types.ts'

function roundTrip(hex: string): { value: ExtendedCommunity; text: string } {
  const b = hexOrThrow(hex)
  const value = decodeExtendedCommunity(b, 0)
  expect(toHex(encodeExtendedCommunity(value))).toBe(hex)
  expect(decodeExtendedCommunity(encodeExtendedCommunity(value), 0)).toEqual(value)
  return { value, text: formatExtendedCommunity(value) }
}

describe('FlowSpec traffic filtering actions (RFC 8955 §7)', () => {
  const cases: [string, string, ExtendedCommunity, string][] = [
    [
      'traffic-rate-bytes, discard',
      '8006000000000000',
      { type: 0x80, subtype: 0x06, name: 'traffic-rate-bytes', asn: 0, rate: 0 },
      'rate-limit:0',
    ],
    [
      'traffic-rate-bytes with an AS',
      '8006fde846160000',
      { type: 0x80, subtype: 0x06, name: 'traffic-rate-bytes', asn: 65000, rate: 9600 },
      'rate-limit:65000:9600',
    ],
    [
      'traffic-rate-packets (RFC 8955 §7.1, 0x0c)',
      '800c0000447a0000',
      { type: 0x80, subtype: 0x0c, name: 'traffic-rate-packets', asn: 0, rate: 1000 },
      'rate-limit:1000:packets',
    ],
    [
      'traffic-action sample and terminal',
      '8007000000000003',
      { type: 0x80, subtype: 0x07, name: 'traffic-action', sample: true, terminal: true },
      'action sample-terminal',
    ],
    [
      'traffic-action, neither bit',
      '8007000000000000',
      { type: 0x80, subtype: 0x07, name: 'traffic-action', sample: false, terminal: false },
      'action none',
    ],
    [
      'redirect, 2-octet AS',
      '800801020203162e',
      { type: 0x80, subtype: 0x08, name: 'redirect', value: '258:33756718' },
      'redirect:258:33756718',
    ],
    [
      'redirect, IPv4 (RFC 7674)',
      '8108c000020100c8',
      { type: 0x81, subtype: 0x08, name: 'redirect', value: '192.0.2.1:200' },
      'redirect:192.0.2.1:200',
    ],
    [
      'redirect, 4-octet AS (RFC 7674)',
      '8208fa56ea000064',
      { type: 0x82, subtype: 0x08, name: 'redirect', value: '4200000000:100' },
      'redirect:4200000000:100',
    ],
    [
      'redirect, 4-octet AS that fits 16 bits, kept distinct from the 2-octet form',
      '82080000fde80064',
      { type: 0x82, subtype: 0x08, name: 'redirect', value: '65000L:100' },
      'redirect:65000L:100',
    ],
    [
      'traffic-marking DSCP 10',
      '800900000000000a',
      { type: 0x80, subtype: 0x09, name: 'traffic-marking', dscp: 10 },
      'mark 10',
    ],
    [
      'redirect to the next hop (draft-simpson)',
      '0800000000000000',
      { type: 0x08, subtype: 0x00, name: 'redirect-to-nexthop', copy: false },
      'redirect-to-nexthop',
    ],
    [
      'copy to the next hop',
      '0800000000000001',
      { type: 0x08, subtype: 0x00, name: 'redirect-to-nexthop', copy: true },
      'copy-to-nexthop',
    ],
    [
      'redirect to an IPv4 address (draft-ietf-idr-flowspec-redirect-ip)',
      '010cc00002010001',
      { type: 0x01, subtype: 0x0c, name: 'redirect-to-ip', address: '192.0.2.1', copy: true },
      'copy-to-ip:192.0.2.1',
    ],
  ]
  it.each(cases)('%s', (_what, hex, value, text) => {
    expect(roundTrip(hex)).toEqual({ value, text })
  })

  it('keeps a value with reserved bits set, or a NaN, infinite or -0 rate, as unknown, octets intact', () => {
    for (const hex of [
      '8007000000010003',
      '8009000000000040',
      '0800000000000002',
      '010cc00002010101',
      '800600007fc00001',
      '800600007f800000',
      '8006000080000000',
    ]) {
      const { value } = roundTrip(hex)
      expect(value.name, hex).toBe('unknown')
    }
  })
})

describe('IPv6 address specific FlowSpec redirects (RFC 8956 §6, draft-ietf-idr-flowspec-redirect-ip, 0x800b)', () => {
  it.each([
    ['000d20010db800000000000000000000000100c8', 'flowspec-redirect-ipv6', 'redirect:[2001:db8::1]:200'],
    ['000c20010db800000000000000000000000a0001', 'redirect-to-ip', 'redirect-to-ip:[2001:db8::a]:1'],
    // the early flow-spec-v6 drafts' code, as GoBGP and ExaBGP send it
    ['800b20010db80000000000000000000000010064', 'flowspec-redirect-ipv6', 'redirect:[2001:db8::1]:100'],
  ])('%s', (hex, name, text) => {
    const e = decodeIpv6ExtendedCommunity(hexOrThrow(hex), 0)
    expect(e.name).toBe(name)
    expect(formatIpv6ExtendedCommunity(e)).toBe(text)
    expect(toHex(encodeIpv6ExtendedCommunity(e))).toBe(hex)
  })
})
