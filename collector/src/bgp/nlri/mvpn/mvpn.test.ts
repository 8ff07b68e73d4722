import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../../wire/hex.ts'
import { reader } from '../../../wire/reader.ts'
import { CodecError } from '../../errors.ts'
import { type MvpnNlri, mvpnFamily } from './family.ts'
import { registeredMvpnRouteTypes } from './registry.ts'

const v4 = mvpnFamily(1, 'ipv4-mvpn')
const mvpn: Codec<MvpnNlri> = {
  size: (n) => v4.size(n),
  encode: (w, n) => v4.encode(w, n),
  decode: (r) => v4.decode(r, undefined, false),
}
const RD = '65000:99999'

describe('MCAST-VPN route types (RFC 6514 §4)', () => {
  const routes: [string, MvpnNlri][] = [
    ['1 intra-AS I-PMSI A-D', { routeType: 1, rd: RD, originator: '10.10.6.3' }],
    ['1 intra-AS I-PMSI A-D, IPv6 originator', { routeType: 1, rd: RD, originator: '2001:db8::3' }],
    ['2 inter-AS I-PMSI A-D', { routeType: 2, rd: RD, sourceAs: 4200000000 }],
    [
      '3 S-PMSI A-D',
      { routeType: 3, rd: RD, source: '10.99.12.2', group: '239.251.255.228', originator: '10.10.6.3' },
    ],
    ['3 S-PMSI A-D (*,*) wildcard (RFC 6625)', { routeType: 3, rd: RD, originator: '10.10.6.3' }],
    [
      '4 leaf A-D for an S-PMSI A-D route',
      {
        routeType: 4,
        routeKey: { routeType: 3, rd: RD, source: '10.99.12.2', group: '239.1.1.1', originator: '10.10.6.3' },
        originator: '10.10.6.4',
      },
    ],
    [
      '4 leaf A-D with an unknown route key type',
      { routeType: 4, routeKey: { routeType: 9, raw: 'aabb' }, originator: '2001:db8::4' },
    ],
    ['5 source active A-D', { routeType: 5, rd: RD, source: 'fd12::4', group: 'ff0e::1' }],
    [
      '6 C-multicast shared tree join',
      { routeType: 6, rd: RD, sourceAs: 65000, source: '10.99.199.1', group: '239.251.255.228' },
    ],
    [
      '7 C-multicast source tree join',
      { routeType: 7, rd: RD, sourceAs: 65000, source: 'fd12::2', group: 'ff0e::1' },
    ],
    ['unknown route type 42', { routeType: 42, raw: '00010203' }],
  ]

  it.each(routes)('%s round-trips', (_, route) => {
    roundTripValue(mvpn, route)
  })

  it('registers route types 1–7 once each', () => {
    expect(registeredMvpnRouteTypes().map((c) => c.code)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('decodes the octets of ExaBGP conf-mvpn routes', () => {
    expect(roundTripBytes(mvpn, hexOrThrow('07160000fde80001869f0000fde8200a630c0220effbffe4'))).toEqual({
      routeType: 7,
      rd: RD,
      sourceAs: 65000,
      source: '10.99.12.2',
      group: '239.251.255.228',
    })
    expect(roundTripBytes(mvpn, hexOrThrow('05120000fde80001869f200a630c0420effbffe4'))).toEqual({
      routeType: 5,
      rd: RD,
      source: '10.99.12.4',
      group: '239.251.255.228',
    })
  })

  it('keys a leaf A-D route by its route key and originator', () => {
    expect(v4.key(routes[5]![1])).toBe('4:[3:65000:99999:10.99.12.2:239.1.1.1:10.10.6.3]:10.10.6.4')
  })

  it('rejects malformed routes with typed errors', () => {
    for (const [hex, reason] of [
      ['010b0000fde80001869f0a0a06', /3 octets, not an IPv4 or IPv6 address/],
      ['05120000fde80001869f180a630c0420effbffe4', /multicast source length 24/],
      ['040a030c00000001000000010a0a', /route type 3 of length 12 overruns its field/],
      ['0205000000000000', /inter-as-i-pmsi-ad route of length 5: bytes needs 8/],
      ['020d0000fde80001869f0000fde800', /1 octets after its fields/],
    ] as const) {
      let err: unknown
      try {
        mvpn.decode(reader(hexOrThrow(hex)))
      } catch (e) {
        err = e
      }
      expect(err, hex).toBeInstanceOf(CodecError)
      expect((err as CodecError).kind).toBe('NOTIFY.UPDATE.INVALID_NETWORK_FIELD')
      expect((err as CodecError).message, hex).toMatch(reason)
    }
  })
})
