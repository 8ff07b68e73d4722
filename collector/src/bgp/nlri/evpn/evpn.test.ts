import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { reader, WireError } from '../../../wire/reader.ts'
import { writer } from '../../../wire/writer.ts'
import { codecContext } from '../../context.ts'
import { CodecError } from '../../errors.ts'
import { decodeMessage, encodeMessage } from '../../messages/message.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../nlri-list.ts'
import { familyCodec } from '../registry.ts'
import type { Nlri } from '../types.ts'
import { type Esi, esiBytes, formatEsi, readEsi } from './esi.ts'
import { type EvpnNlri, evpnFamily } from './family.ts'
import { label24 } from './fields.ts'
import { registeredEvpnRouteTypes } from './registry.ts'
import type { EvpnMacIpRoute } from './type-2-mac-ip.ts'

const evpn: Codec<EvpnNlri> = {
  size: (n) => evpnFamily.size(n),
  encode: (w, n) => evpnFamily.encode(w, n),
  decode: (r) => evpnFamily.decode(r, undefined, false),
}

const esiCodec: Codec<Esi> = {
  size: () => 10,
  encode: (w, e) => {
    const b = esiBytes(e)
    for (const x of b) w.buf[w.pos++] = x
  },
  decode: readEsi,
}

const ZERO_ESI: Esi = { type: 0, value: '000000000000000000' }
const RD = '192.0.2.1:100'

function decodeError(hex: string): CodecError {
  try {
    evpn.decode(reader(hexOrThrow(hex)))
  } catch (e) {
    if (e instanceof CodecError) return e
    throw e
  }
  throw new Error(`decoded without error: ${hex}`)
}

describe('ESI (RFC 7432 §5)', () => {
  const cases: [string, Esi][] = [
    ['type 0', { type: 0, value: '0102030405060708a9' }],
    ['type 1 LACP', { type: 1, systemMac: '00:11:22:33:44:55', portKey: 0x8001 }],
    [
      'type 1 with a reserved octet set',
      { type: 1, systemMac: '00:11:22:33:44:55', portKey: 1, reserved: 7 },
    ],
    ['type 2 bridge', { type: 2, rootBridgeMac: 'aa:bb:cc:dd:ee:ff', rootBridgePriority: 32768 }],
    ['type 3 MAC-based', { type: 3, systemMac: '02:00:00:00:00:01', localDiscriminator: 0xabcdef }],
    ['type 4 router ID', { type: 4, routerId: '192.0.2.7', localDiscriminator: 4000000000 }],
    ['type 5 AS-based', { type: 5, asn: 4200000001, localDiscriminator: 42 }],
    ['type 0xff (not in RFC 7432)', { type: 255, value: 'ffffffffffffffffff' }],
  ]
  it.each(cases)('%s round-trips', (_, esi) => {
    roundTripValue(esiCodec, esi)
  })
  it('decodes each type into named fields from wire octets', () => {
    expect(roundTripBytes(esiCodec, hexOrThrow('01 001122334455 8001 00'))).toEqual({
      type: 1,
      systemMac: '00:11:22:33:44:55',
      portKey: 0x8001,
    })
    expect(roundTripBytes(esiCodec, hexOrThrow('03 020000000001 abcdef'))).toEqual({
      type: 3,
      systemMac: '02:00:00:00:00:01',
      localDiscriminator: 0xabcdef,
    })
    expect(roundTripBytes(esiCodec, hexOrThrow('04 c0000207 00000010 00'))).toEqual({
      type: 4,
      routerId: '192.0.2.7',
      localDiscriminator: 16,
    })
    expect(roundTripBytes(esiCodec, hexOrThrow('05 fa56ea01 0000002a 00'))).toEqual({
      type: 5,
      asn: 4200000001,
      localDiscriminator: 42,
    })
    expect(formatEsi({ type: 5, asn: 4200000001, localDiscriminator: 42 })).toBe(
      '05:fa:56:ea:01:00:00:00:2a:00',
    )
  })
})

describe('EVPN route types (RFC 7432 §7, RFC 9136, RFC 9251)', () => {
  const routes: [string, EvpnNlri][] = [
    [
      '1 Ethernet A-D',
      {
        routeType: 1,
        rd: RD,
        esi: { type: 3, systemMac: '02:00:00:00:00:01', localDiscriminator: 1 },
        ethernetTag: 0xffffffff,
        label: label24(0x000641),
      },
    ],
    [
      '2 MAC only, one label',
      {
        routeType: 2,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 0,
        mac: '02:06:0a:0e:fa:f3',
        labels: [label24(101)],
      },
    ],
    [
      '2 MAC + IPv4, two labels',
      {
        routeType: 2,
        rd: '65000:1',
        esi: ZERO_ESI,
        ethernetTag: 100,
        mac: '00:00:5e:00:53:01',
        ip: '192.0.2.10',
        labels: [label24(0x000641), label24(0x0003e8)],
      },
    ],
    [
      '2 MAC + IPv6, one label',
      {
        routeType: 2,
        rd: '4200000000:7',
        esi: { type: 5, asn: 65001, localDiscriminator: 3 },
        ethernetTag: 7,
        mac: '00:00:5e:00:53:02',
        ip: '2001:db8::10',
        labels: [label24(10100)],
      },
    ],
    ['3 inclusive multicast IPv4', { routeType: 3, rd: RD, ethernetTag: 0, originator: '192.0.2.1' }],
    ['3 inclusive multicast IPv6', { routeType: 3, rd: RD, ethernetTag: 5, originator: '2001:db8::1' }],
    [
      '4 Ethernet segment',
      {
        routeType: 4,
        rd: RD,
        esi: { type: 1, systemMac: '00:11:22:33:44:55', portKey: 2 },
        originator: '192.0.2.1',
      },
    ],
    [
      '5 IPv4 prefix',
      {
        routeType: 5,
        rd: '65017:104',
        esi: ZERO_ESI,
        ethernetTag: 0,
        prefix: '198.51.100.0/26',
        gateway: '0.0.0.0',
        label: label24(9001),
      },
    ],
    [
      '5 IPv4 prefix with host bits sent',
      {
        routeType: 5,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 0,
        prefix: '10.1.2.3/24',
        gateway: '10.1.2.254',
        label: label24(5),
      },
    ],
    [
      '5 IPv6 prefix',
      {
        routeType: 5,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 9,
        prefix: '2001:db8:1::/48',
        gateway: '::',
        label: label24(0x000641),
      },
    ],
    [
      '6 SMET (*,G)',
      { routeType: 6, rd: RD, ethernetTag: 0, group: '239.1.1.1', originator: '192.0.2.1', flags: 0x02 },
    ],
    [
      '6 SMET (S,G) IPv6',
      {
        routeType: 6,
        rd: RD,
        ethernetTag: 1,
        source: '2001:db8::5',
        group: 'ff0e::1',
        originator: '2001:db8::1',
        flags: 0x0c,
      },
    ],
    [
      '7 IGMP join sync',
      {
        routeType: 7,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 3,
        source: '192.0.2.5',
        group: '239.1.1.1',
        originator: '192.0.2.1',
        flags: 0x04,
      },
    ],
    [
      '8 IGMP leave sync',
      {
        routeType: 8,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 3,
        group: '239.1.1.1',
        originator: '192.0.2.1',
        syncNumber: 12,
        maxResponseTime: 10,
        flags: 0x02,
      },
    ],
    [
      '8 IGMP leave sync without flags (pre-RFC 9251)',
      {
        routeType: 8,
        rd: RD,
        esi: ZERO_ESI,
        ethernetTag: 3,
        group: '239.1.1.1',
        originator: '192.0.2.1',
        syncNumber: 1,
        maxResponseTime: 0,
      },
    ],
    ['unknown route type 11, kept raw', { routeType: 11, raw: '0001020304' }],
    ['unknown route type 200, empty', { routeType: 200, raw: '' }],
  ]

  it.each(routes)('%s round-trips', (_, route) => {
    roundTripValue(evpn, route)
  })

  it('registers every route type 1–8 once', () => {
    expect(registeredEvpnRouteTypes().map((c) => c.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('decodes a VXLAN MAC route from its octets (tcpdump bgp-encap.pcap)', () => {
    const route = roundTripBytes(
      evpn,
      hexOrThrow('0221000104040404000400000000000000000000000000003002060a0efaf300000065'),
    )
    expect(route).toEqual({
      routeType: 2,
      rd: '4.4.4.4:4',
      esi: ZERO_ESI,
      ethernetTag: 0,
      mac: '02:06:0a:0e:fa:f3',
      labels: [{ value: 101, label: 6 }],
    })
  })

  it('keys routes by the RFC route key, not by labels or ESI', () => {
    const a = routes[1]![1] as EvpnMacIpRoute
    const b: EvpnMacIpRoute = { ...a, labels: [label24(7)], esi: { type: 0, value: '010000000000000000' } }
    expect(evpnFamily.key(b)).toBe(evpnFamily.key(a))
    expect(evpnFamily.key(a)).toBe('2:192.0.2.1:100:0:02:06:0a:0e:fa:f3:')
  })

  it('carries ADD-PATH path identifiers', () => {
    const b = hexOrThrow('0000002a 03 11 0001c00002010064 00000000 20 c0000201')
    const list = decodeNlriList(familyCodec(25, 70), reader(b), true, false)
    expect(list).toEqual([{ routeType: 3, rd: RD, ethernetTag: 0, originator: '192.0.2.1', pathId: 42 }])
  })

  it('rejects a route whose fields do not add up to its length, with a typed error', () => {
    const cases: [string, string, RegExp][] = [
      // MAC route claiming 34 octets: one octet after label 1
      [
        'trailing octet',
        '0222000104040404000400000000000000000000000000003002060a0efaf300000065ff',
        /4 octets for the labels/,
      ],
      // MAC length 47
      [
        'MAC length',
        '0221000104040404000400000000000000000000000000002f02060a0efaf300000065',
        /MAC address length 47/,
      ],
      // IP length 24
      [
        'IP length',
        '0224000104040404000400000000000000000000000000003002060a0efaf318c0000200000065',
        /IP address length 24/,
      ],
      // inclusive multicast whose address overruns the route
      ['overrun', '030f0001c00002010064000000002010c0', /needs 4 bytes/],
      // IP prefix route of 33 octets
      ['prefix length', `0521${'00'.repeat(33)}`, /33 octets, not 34 or 58/],
      // IP prefix length 33 in an IPv4 route
      ['prefix bits', `0522${'00'.repeat(22)}21${'00'.repeat(11)}`, /IP prefix length 33 exceeds 32/],
      // SMET with two octets after the originator
      [
        'flags',
        '06190001c000020100640000000000' + '20e0010101' + '20c0000201' + '00ff',
        /2 octets where the flags octet ends/,
      ],
      // route length overruns the NLRI field
      ['outer overrun', '0320000100000001000100000000200a', /overruns the NLRI field/],
    ]
    for (const [what, hex, reason] of cases) {
      const e = decodeError(hex)
      expect(e.kind, what).toBe('NOTIFY.UPDATE.INVALID_NETWORK_FIELD')
      expect(e.message, what).toMatch(reason)
    }
  })
})

describe('EVPN inside UPDATE messages (RFC 7606)', () => {
  const ctx = codecContext()
  // ORIGIN, AS_PATH (empty), MP_REACH_NLRI l2vpn-evpn, next hop 192.0.2.1, NLRI as given
  function update(nlriHex: string): Uint8Array {
    const nlri = hexOrThrow(nlriHex)
    const mpLen = 3 + 1 + 4 + 1 + nlri.length
    const attrs = [
      0x40,
      1,
      1,
      0,
      0x40,
      2,
      0,
      0x90,
      14,
      mpLen >> 8,
      mpLen & 0xff,
      0,
      25,
      70,
      4,
      192,
      0,
      2,
      1,
      0,
      ...nlri,
    ]
    const body = [0, 0, attrs.length >> 8, attrs.length & 0xff, ...attrs]
    const len = 19 + body.length
    return new Uint8Array([...new Array(16).fill(0xff), len >> 8, len & 0xff, 2, ...body])
  }

  it('an unknown route type is no problem and is carried raw', () => {
    const msg = update('0b0401020304' + '03110001c000020100640000000020c0000201')
    const res = decodeMessage(msg, ctx)
    expect(res.problems).toEqual([])
    const mp = res.message?.type === 'UPDATE' ? res.message.attributes[2] : undefined
    expect(mp?.name === 'MP_REACH_NLRI' ? mp.value.nlri : undefined).toEqual([
      { routeType: 11, raw: '01020304' },
      { routeType: 3, rd: RD, ethernetTag: 0, originator: '192.0.2.1' },
    ])
    expect(encodeMessage(res.message!, ctx)).toEqual(msg)
  })

  it('a malformed route disables l2vpn-evpn, never resets the session', () => {
    const res = decodeMessage(
      update('0222000104040404000400000000000000000000000000003002060a0efaf300000065ff'),
      ctx,
    )
    expect(res.action).toBe('afi-safi-disable')
    expect(res.problems).toEqual([
      {
        kind: 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
        action: 'afi-safi-disable',
        offset: expect.any(Number),
        attribute: 14,
        family: 'l2vpn-evpn',
        reason: expect.stringMatching(/^l2vpn-evpn: EVPN mac-ip-advertisement route of length 34: 4 octets/),
      },
    ])
  })
})

describe('seeded fuzz of the typed families (EVPN, VPLS, MCAST-VPN, MUP)', () => {
  it('random NLRI fields either decode and re-encode to the same octets, or give a typed error', () => {
    let seed = 7
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const families = [
      familyCodec(25, 70),
      familyCodec(25, 65),
      familyCodec(1, 5),
      familyCodec(2, 5),
      familyCodec(1, 85),
    ]
    const likely = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x20, 0x30, 0x80]
    let decoded = 0
    const wrong: string[] = []
    for (let i = 0; i < 20000; i++) {
      const family = families[i % families.length]!
      const b = new Uint8Array(rnd(60))
      for (let j = 0; j < b.length; j++) b[j] = rnd(3) === 0 ? likely[rnd(likely.length)]! : rnd(256)
      if (b.length > 2 && family.safi !== 65 && family.safi !== 85) {
        b[0] = rnd(9)
        b[1] = rnd(b.length - 1)
      }
      let list: Nlri[]
      try {
        list = decodeNlriList(family, reader(b), false, false)
      } catch (e) {
        if (!(e instanceof CodecError || e instanceof WireError))
          wrong.push(`${family.name} ${toHex(b)}: ${e}`)
        continue
      }
      const out = new Uint8Array(nlriListSize(family, list, false))
      encodeNlriList(family, writer(out), list, false)
      if (toHex(out) !== toHex(b)) wrong.push(`${family.name} ${toHex(b)} re-encoded as ${toHex(out)}`)
      decoded++
    }
    expect(wrong).toEqual([])
    expect(decoded).toBeGreaterThan(1000)
  })
})
