import { describe, expect, it } from 'vitest'
import { ASN2, ASN4, MP_REACH_IPV6, sample } from '../../test-support/samples.ts'
import { attr, be16, be32, hx, MANDATORY, NLRI_10, update } from '../../test-support/wire-builder.ts'
import type { CodecContext } from './context.ts'
import { decodeMessage } from './messages/message.ts'
import type { UpdateMessage } from './messages/update.ts'
import { type RouteAttributes, updateRoutes } from './routes.ts'

function routes(bytes: Uint8Array, ctx: CodecContext = ASN4) {
  const r = decodeMessage(bytes, ctx)
  return { ...updateRoutes(r.message as UpdateMessage, r.problems, ctx), action: r.action }
}

const BASE: RouteAttributes = {
  origin: 'igp',
  asPath: [{ type: 'AS_SEQUENCE', asns: [65001] }],
  atomicAggregate: false,
  communities: [],
  extendedCommunities: [],
  ipv6ExtendedCommunities: [],
  largeCommunities: [],
  other: [],
}

describe('updateRoutes', () => {
  it('IPv4 NLRI take NEXT_HOP; the withdrawn field is IPv4 withdrawals', () => {
    expect(routes(sample('update ipv4 withdraw, attributes, nlri').bytes)).toEqual({
      announce: [
        {
          family: 'ipv4-unicast',
          afi: 1,
          safi: 1,
          nextHop: ['192.0.2.1'],
          nlri: [{ prefix: '192.0.2.0/24' }, { prefix: '10.0.0.0/8' }, { prefix: '203.0.113.7/32' }],
        },
      ],
      withdraw: [
        {
          family: 'ipv4-unicast',
          afi: 1,
          safi: 1,
          nlri: [{ prefix: '198.51.100.0/24' }, { prefix: '172.16.0.0/16' }],
        },
      ],
      attributes: { ...BASE, med: 10, communities: ['65000:100', 'NO_EXPORT'] },
      disabled: [],
      treatedAsWithdraw: false,
      action: 'none',
    })
  })

  it('MP_REACH_NLRI IPv6 with a link-local next hop', () => {
    const r = routes(sample('update ipv6 mp-reach with link-local next hop').bytes)
    expect(r.announce).toEqual([
      {
        family: 'ipv6-unicast',
        afi: 2,
        safi: 1,
        nextHop: ['2001:db8::1', 'fe80::1'],
        nlri: [{ prefix: '2001:db8::/32' }, { prefix: '2001:db8:1::/48' }],
      },
    ])
    expect(r.withdraw).toEqual([])
    expect(r.attributes).toEqual(BASE)
  })

  it('flattens every core attribute; ATTR_SET and unknown ones are in `other`', () => {
    const r = routes(sample('update every core attribute').bytes)
    expect(r.attributes).toEqual({
      origin: 'igp',
      asPath: [{ type: 'AS_SEQUENCE', asns: [65001] }],
      med: 100,
      localPref: 200,
      atomicAggregate: true,
      aggregator: { asn: 4200000000, address: '192.0.2.9' },
      communities: ['BLACKHOLE'],
      extendedCommunities: [
        { type: 0, subtype: 2, name: 'route-target', value: '65000:100' },
        { type: 0x43, subtype: 0, name: 'origin-validation', state: 'invalid' },
      ],
      ipv6ExtendedCommunities: [
        { type: 0, subtype: 2, name: 'route-target', address: '2001:db8::5', local: 7 },
      ],
      largeCommunities: ['4200000000:1:2'],
      originatorId: '10.0.0.1',
      clusterList: ['10.0.0.2', '10.0.0.3'],
      otc: 65010,
      aigp: 1000n,
      other: [
        { code: 99, flags: 0xe0, name: 'UNKNOWN', value: '010203' },
        {
          code: 128,
          flags: 0xd0,
          name: 'ATTR_SET',
          value: {
            originAs: 65020,
            attributes: [
              { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' },
              { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65020] }] },
            ],
          },
        },
      ],
    })
  })

  it('treat-as-withdraw turns IPv4 announcements into withdrawals', () => {
    const bytes = update({
      withdrawn: [8, 11],
      attributes: [...attr(0x40, 1, [5]), ...MANDATORY.slice(4)],
      nlri: NLRI_10,
    })
    const r = routes(bytes)
    expect(r.action).toBe('treat-as-withdraw')
    expect(r.treatedAsWithdraw).toBe(true)
    expect(r.announce).toEqual([])
    expect(r.withdraw).toEqual([
      { family: 'ipv4-unicast', afi: 1, safi: 1, nlri: [{ prefix: '11.0.0.0/8' }, { prefix: '10.0.0.0/8' }] },
    ])
    expect(r.attributes.origin).toBeUndefined()
  })

  it('treat-as-withdraw turns MP_REACH_NLRI announcements into withdrawals of their family', () => {
    const bytes = update({
      attributes: [...MP_REACH_IPV6, ...attr(0x40, 1, [0]), ...attr(0x40, 2, [7, 1, ...be32(1)])],
    })
    const r = routes(bytes)
    expect(r.action).toBe('treat-as-withdraw')
    expect(r.announce).toEqual([])
    expect(r.withdraw).toEqual([
      {
        family: 'ipv6-unicast',
        afi: 2,
        safi: 1,
        nlri: [{ prefix: '2001:db8::/32' }, { prefix: '2001:db8:1::/48' }],
      },
    ])
  })

  it('a missing mandatory attribute withdraws the NLRI too', () => {
    const r = routes(update({ attributes: MANDATORY.slice(0, 13), nlri: NLRI_10 }))
    expect(r.withdraw).toEqual([
      { family: 'ipv4-unicast', afi: 1, safi: 1, nlri: [{ prefix: '10.0.0.0/8' }] },
    ])
    expect(r.announce).toEqual([])
  })

  it('afi-safi-disable drops only that family, and lists it in `disabled`', () => {
    const badUnreach = attr(0x80, 15, [0, 2, 1, 130, ...new Array(17).fill(0)])
    const r = routes(update({ attributes: [...MP_REACH_IPV6, ...MANDATORY, ...badUnreach], nlri: NLRI_10 }))
    expect(r.action).toBe('afi-safi-disable')
    expect(r.disabled).toEqual(['ipv6-unicast'])
    expect(r.treatedAsWithdraw).toBe(false)
    expect(r.announce).toEqual([
      { family: 'ipv4-unicast', afi: 1, safi: 1, nextHop: ['192.0.2.1'], nlri: [{ prefix: '10.0.0.0/8' }] },
    ])
    expect(r.withdraw).toEqual([])
  })

  it('an unusable next hop disables its family; the other families are kept', () => {
    const badReach = attr(0x80, 14, [0, 1, 128, 4, 192, 0, 2, 1, 0])
    const goodUnreach = attr(0x80, 15, [0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8])
    const r = routes(update({ attributes: [...badReach, ...goodUnreach, ...MANDATORY], nlri: NLRI_10 }))
    expect(r.disabled).toEqual(['ipv4-vpn'])
    expect(r.withdraw).toEqual([
      { family: 'ipv6-unicast', afi: 2, safi: 1, nlri: [{ prefix: '2001:db8::/32' }] },
    ])
    expect(r.announce.map((a) => a.family)).toEqual(['ipv4-unicast'])
  })

  it('RFC 7606 §3(g): of a repeated attribute the first is used, and a malformed first hides later ones', () => {
    const r = routes(
      update({
        attributes: [
          ...MANDATORY,
          ...attr(0x80, 4, be32(1)),
          ...attr(0x80, 4, be32(2)),
          ...attr(0xc0, 7, [0, 0, 1]),
          ...attr(0xc0, 7, [...be32(65001), 192, 0, 2, 1]),
          ...attr(0xc0, 8, be32(0xfde80001)),
          ...attr(0xc0, 8, be32(0xfde80002)),
        ],
        nlri: NLRI_10,
      }),
    )
    expect(r.action).toBe('attribute-discard')
    expect(r.attributes).toEqual({ ...BASE, med: 1, communities: ['65000:1'] })
    expect(r.announce).toHaveLength(1)
  })

  it('a repeated NEXT_HOP: the first one is the next hop', () => {
    const r = routes(
      update({ attributes: [...MANDATORY, ...attr(0x40, 3, [198, 51, 100, 1])], nlri: NLRI_10 }),
    )
    expect(r.announce[0]!.nextHop).toEqual(['192.0.2.1'])
  })

  it('applies the AS4 merge on 2-octet sessions', () => {
    const bytes = sample('update 2-octet session with AS4_PATH and AS4_AGGREGATOR').bytes
    const r = routes(bytes, ASN2)
    expect(r.attributes.asPath).toEqual([{ type: 'AS_SEQUENCE', asns: [65001, 4200000001, 4200000002] }])
    expect(r.attributes.aggregator).toEqual({ asn: 4200000001, address: '192.0.2.9' })
    expect(r.attributes.other).toEqual([])
  })

  it('End-of-RIB passes through, with nothing announced or withdrawn', () => {
    for (const [name, family] of [
      ['update ipv4 end-of-rib', 'ipv4-unicast'],
      ['update ipv6 end-of-rib', 'ipv6-unicast'],
    ] as const) {
      const r = routes(sample(name).bytes)
      expect({ eor: r.endOfRib, announce: r.announce, withdraw: r.withdraw }).toEqual({
        eor: family,
        announce: [],
        withdraw: [],
      })
    }
  })

  it('an undecoded family is announced with its raw next hop; a VPN pair of RDs with its addresses', () => {
    const raw = routes(
      update({
        attributes: [...attr(0x80, 14, [0, 99, 9, 2, 0xaa, 0xbb, 0, 1, 2]), ...MANDATORY.slice(0, 13)],
      }),
    )
    expect(raw.announce).toEqual([
      { family: 'afi-99-safi-9', afi: 99, safi: 9, nextHop: ['aabb'], nlri: [{ raw: '0102' }] },
    ])
    const nh = [
      ...new Array(8).fill(0),
      ...hx('20010db8000000000000000000000001'),
      0,
      0,
      ...be16(1),
      0,
      0,
      0,
      1,
      ...hx('fe800000000000000000000000000001'),
    ]
    const vpn = routes(
      update({
        attributes: [
          ...attr(0x80, 14, [
            0,
            2,
            128,
            48,
            ...nh,
            0,
            24 + 64 + 16,
            0,
            0,
            0x11,
            ...new Array(8).fill(0),
            0x20,
            0x01,
          ]),
          ...MANDATORY.slice(0, 13),
        ],
      }),
    )
    expect(vpn.announce[0]!.nextHop).toEqual(['2001:db8::1', 'fe80::1'])
  })
})
