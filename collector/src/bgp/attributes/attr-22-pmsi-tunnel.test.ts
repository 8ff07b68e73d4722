import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../wire/hex.ts'
import { codecContext } from '../context.ts'
import { decodeMessage } from '../messages/message.ts'
import { label24 } from '../nlri/evpn/fields.ts'
import { formatPmsiTunnel, type PmsiTunnel, pmsiTunnel } from './attr-22-pmsi-tunnel.ts'

const ctx = codecContext()
const pmsi: Codec<PmsiTunnel> = {
  size: (v) => pmsiTunnel.size(v, ctx),
  encode: (w, v) => pmsiTunnel.encode(w, v, ctx),
  decode: (r) => pmsiTunnel.decode(r, ctx),
}

describe('PMSI_TUNNEL (RFC 6514 §5)', () => {
  const values: [string, PmsiTunnel][] = [
    [
      'ingress replication, VXLAN VNI',
      { flags: 0, tunnelType: 6, label: label24(10100), endpoint: '192.0.2.1' },
    ],
    [
      'ingress replication, IPv6',
      { flags: 0, tunnelType: 6, label: label24(0x000641), endpoint: '2001:db8::1' },
    ],
    [
      'RSVP-TE P2MP',
      {
        flags: 1,
        tunnelType: 1,
        label: label24(0),
        p2mpId: 0x0a000001,
        tunnelId: 5,
        extendedTunnelId: '10.0.0.2',
      },
    ],
    [
      'RSVP-TE P2MP, IPv6, reserved set',
      {
        flags: 0,
        tunnelType: 1,
        label: label24(0),
        p2mpId: 7,
        tunnelId: 9,
        extendedTunnelId: '2001:db8::2',
        reserved: 1,
      },
    ],
    [
      'mLDP P2MP',
      {
        flags: 0,
        tunnelType: 2,
        label: label24(0),
        fecType: 6,
        rootNode: '10.0.0.9',
        opaque: '010004000000ff',
      },
    ],
    [
      'mLDP MP2MP, IPv6 root',
      { flags: 0, tunnelType: 7, label: label24(0), fecType: 8, rootNode: '2001:db8::9', opaque: '' },
    ],
    ['PIM-SSM', { flags: 0, tunnelType: 3, label: label24(0), sender: '10.0.0.1', group: '232.1.1.1' }],
    ['PIM-SM', { flags: 0, tunnelType: 4, label: label24(0), sender: '2001:db8::1', group: 'ff0e::1' }],
    ['BIDIR-PIM', { flags: 0, tunnelType: 5, label: label24(0), sender: '10.0.0.1', group: '239.1.1.1' }],
    ['no tunnel information', { flags: 1, tunnelType: 0, label: label24(0), identifier: '' }],
    [
      'unknown type 11 (BIER), raw',
      { flags: 0, tunnelType: 11, label: label24(16), identifier: '0100010a000001' },
    ],
  ]
  it.each(values)('%s round-trips', (_, v) => {
    roundTripValue(pmsi, v)
  })

  it('decodes an EVPN VXLAN ingress replication tunnel from octets', () => {
    expect(roundTripBytes(pmsi, hexOrThrow('00 06 002774 c0000201'))).toEqual({
      flags: 0,
      tunnelType: 6,
      label: { value: 10100, label: 631 },
      endpoint: '192.0.2.1',
    })
    expect(formatPmsiTunnel(values[0]![1])).toBe('ingress-replication:192.0.2.1 label 10100')
  })

  it('decodes RSVP-TE P2MP in SESSION object order, as tshark does (P2MP ID, tunnel ID, extended tunnel ID)', () => {
    expect(roundTripBytes(pmsi, hexOrThrow('0101000101 0a000001 0000 0005 0a000002'))).toEqual({
      flags: 1,
      tunnelType: 1,
      label: { value: 0x101, label: 16 },
      p2mpId: 0x0a000001,
      tunnelId: 5,
      extendedTunnelId: '10.0.0.2',
    })
  })

  // UPDATE with ORIGIN, AS_PATH, NEXT_HOP, PMSI_TUNNEL (as given) and one IPv4 prefix
  function update(pmsiHex: string): Uint8Array {
    const p = hexOrThrow(pmsiHex)
    const attrs = [0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1, 0xc0, 22, p.length, ...p]
    const body = [0, 0, 0, attrs.length, ...attrs, 24, 198, 51, 100]
    return new Uint8Array([...new Array(16).fill(0xff), 0, 19 + body.length, 2, ...body])
  }

  it('is decoded inside an UPDATE', () => {
    const res = decodeMessage(update('00 06 002774 c0000201'), ctx)
    expect(res.problems).toEqual([])
    expect(res.message?.type === 'UPDATE' && res.message.attributes[3]).toEqual({
      code: 22,
      flags: 0xc0,
      name: 'PMSI_TUNNEL',
      value: { flags: 0, tunnelType: 6, label: { value: 10100, label: 631 }, endpoint: '192.0.2.1' },
    })
  })

  it('a malformed attribute is treat-as-withdraw, kept as MALFORMED', () => {
    const cases: [string, string, string][] = [
      ['too short', '0006 0027', 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR'],
      ['endpoint of 3 octets', '00 06 002774 c00002', 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR'],
      [
        'mLDP opaque overrun',
        '00 02 000000 06 0001 04 0a000009 0005 01',
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
      ],
      [
        'mLDP unknown address family',
        '00 02 000000 06 0003 04 0a000009 0000',
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
      ],
      [
        'PIM of 12 octets',
        '00 03 000000 0a000001 e8010101 00000000',
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
      ],
    ]
    for (const [what, hex, kind] of cases) {
      const res = decodeMessage(update(hex), ctx)
      expect(res.action, what).toBe('treat-as-withdraw')
      expect(
        res.problems.map((p) => [p.kind, p.action, p.attribute]),
        what,
      ).toEqual([[kind, 'treat-as-withdraw', 22]])
      const attr = res.message?.type === 'UPDATE' ? res.message.attributes[3] : undefined
      expect(attr?.name, what).toBe('MALFORMED')
    }
  })
})
