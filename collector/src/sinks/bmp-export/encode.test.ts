// The initial dump's UPDATE packer: routes of one attribute set share
// UPDATEs across runs of a RIB scan, up to 4096 octets; a set id that names
// another set in a later run starts a new UPDATE; path ids where the
// session has them; the UPDATEs decode to exactly the routes given.

import { describe, expect, it } from 'vitest'
import {
  codecContext,
  decodeMessage,
  encodeMessage,
  familyKey,
  type IpPrefixNlri,
  type UpdateMessage,
  updateRoutes,
} from '../../bgp/index.ts'
import { createRib, type PeerId, type Rib } from '../../rib/index.ts'
import { endOfRib, RoutePacker } from './encode.ts'

const V4 = familyKey(1, 1)
const V6 = familyKey(2, 1)

function ribWith(updates: UpdateMessage[], addPath = false) {
  const rib = createRib()
  const ctx = codecContext(addPath ? { addPath: new Set([V4, V6]) } : {})
  const peer = rib.peer('192.0.2.1')
  for (const u of updates) {
    const raw = encodeMessage(u, ctx)
    const d = decodeMessage(raw, ctx)
    rib.apply(peer, updateRoutes(d.message as UpdateMessage, d.problems, ctx), raw, ctx)
  }
  return { rib, peer, ctx }
}

const attrs = (asn: number) =>
  [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500, asn] }] },
    { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
  ] as UpdateMessage['attributes']

/** Every path of the peer, family by family, `perRun` keys per run of each scan. */
function addAll(packer: RoutePacker, rib: Rib, peer: PeerId, perRun = Number.POSITIVE_INFINITY): number {
  let runs = 0
  for (const { family } of rib.counts(peer)) {
    const scan = rib.scan(family, peer)
    let n = 0
    do {
      packer.page()
      runs++
    } while (
      !scan.run((s) => {
        packer.add(s, peer)
        return ++n % perRun !== 0
      })
    )
  }
  return runs
}

function decodeAll(updates: Uint8Array[], addPath: boolean): string[] {
  const ctx = codecContext(addPath ? { addPath: new Set([V4, V6]) } : {})
  return updates.flatMap((b) => {
    const d = decodeMessage(b, ctx)
    const r = updateRoutes(d.message as UpdateMessage, d.problems, ctx)
    const path = r.attributes.asPath.map((s) => s.asns.join(' ')).join(' ')
    let nh = ''
    for (const a of (d.message as UpdateMessage).attributes) {
      if (a.name === 'NEXT_HOP') nh = a.value
      if (a.name === 'MP_REACH_NLRI') nh = a.value.nextHop.join(',')
    }
    return r.announce.flatMap((a) =>
      a.nlri.map(
        (n) =>
          `${a.family} ${(n as IpPrefixNlri).prefix}${n.pathId !== undefined ? `#${n.pathId}` : ''} ${path} ${nh}`,
      ),
    )
  })
}

describe('the dump packer', () => {
  it('packs a set across runs into UPDATEs of at most 4096 octets, each route once', () => {
    const updates: UpdateMessage[] = []
    // 2000 prefixes of 2 sets, alternating in address order.
    for (let i = 0; i < 2000; i++)
      updates.push({
        type: 'UPDATE',
        withdrawn: [],
        attributes: attrs(65000 + (i % 2)),
        nlri: [{ prefix: `10.${i >> 8}.${i & 0xff}.0/24` }],
      })
    const { rib, peer } = ribWith(updates)
    const out: Uint8Array[] = []
    const packer = new RoutePacker(new Set(), (u, asn4) => {
      expect(asn4).toBe(true)
      out.push(u.slice())
    })
    const pages = addAll(packer, rib, peer, 100)
    packer.flush()
    expect(pages).toBeGreaterThanOrEqual(20)
    expect(out.every((u) => u.length <= 4096)).toBe(true)
    // 1000 prefixes of 4 octets per set fit one UPDATE each (4048 octets): two, not one per run.
    expect(out.length).toBe(2)
    const routes = decodeAll(out, false)
    expect(routes.length).toBe(2000)
    expect(new Set(routes).size).toBe(2000)
  })

  it('writes path ids and MP_REACH_NLRI for IPv6, and starts over when a set id names another set', () => {
    const { rib, peer } = ribWith(
      [
        {
          type: 'UPDATE',
          withdrawn: [],
          attributes: attrs(65001),
          nlri: [{ prefix: '198.51.100.0/24', pathId: 7 }],
        },
        {
          type: 'UPDATE',
          withdrawn: [],
          attributes: [
            {
              code: 14,
              flags: 0x80,
              name: 'MP_REACH_NLRI',
              value: {
                afi: 2,
                safi: 1,
                family: 'ipv6-unicast',
                nextHop: ['2001:db8::1'],
                nlri: [{ prefix: '2001:db8:1::/48', pathId: 9 } as IpPrefixNlri],
              },
            },
            ...attrs(65002).slice(0, 2),
          ],
          nlri: [],
        },
      ],
      true,
    )
    const out: Uint8Array[] = []
    const packer = new RoutePacker(new Set([V4, V6]), (u) => out.push(u.slice()))
    addAll(packer, rib, peer)
    // A later run where the same set id holds other attributes: the RIB changed in between (the
    // set went with its last path, and the next new set took its id).
    const before = rib.exact('ipv4-unicast', '198.51.100.0/24')!.routes[0]!.attributes.id
    const ctx = codecContext({ addPath: new Set([V4, V6]) })
    for (const u of [
      { type: 'UPDATE', withdrawn: [{ prefix: '198.51.100.0/24', pathId: 7 }], attributes: [], nlri: [] },
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: attrs(65099),
        nlri: [{ prefix: '203.0.113.0/24', pathId: 8 }],
      },
    ] as UpdateMessage[]) {
      const raw = encodeMessage(u, ctx)
      const d = decodeMessage(raw, ctx)
      rib.apply(peer, updateRoutes(d.message as UpdateMessage, d.problems, ctx), raw, ctx)
    }
    expect(rib.exact('ipv4-unicast', '203.0.113.0/24')!.routes[0]!.attributes.id).toBe(before)
    const scan = rib.scan('ipv4-unicast', peer)
    packer.page()
    scan.run((s) => {
      if (s.prefixLength === 24 && s.address[0] === 203) packer.add(s, peer)
      return true
    })
    packer.flush()
    expect(decodeAll(out, true).sort()).toEqual([
      'ipv4-unicast 198.51.100.0/24#7 64500 65001 192.0.2.1',
      'ipv4-unicast 203.0.113.0/24#8 64500 65099 192.0.2.1',
      'ipv6-unicast 2001:db8:1::/48#9 64500 65002 2001:db8::1',
    ])
  })

  it('sends nothing after discard, and the End-of-RIB markers decode as such', () => {
    const { rib, peer } = ribWith([
      { type: 'UPDATE', withdrawn: [], attributes: attrs(65001), nlri: [{ prefix: '198.51.100.0/24' }] },
    ])
    const out: Uint8Array[] = []
    const packer = new RoutePacker(new Set(), (u) => out.push(u.slice()))
    addAll(packer, rib, peer)
    expect(packer.size).toBe(1)
    packer.discard()
    packer.flush()
    expect(out).toEqual([])
    for (const [f, name] of [
      [V4, 'ipv4-unicast'],
      [V6, 'ipv6-unicast'],
      [familyKey(1, 128), 'ipv4-vpn'],
    ] as const) {
      const d = decodeMessage(endOfRib(f), codecContext())
      expect((d.message as UpdateMessage).endOfRib).toBe(name)
    }
  })
})
