import { describe, expect, it } from 'vitest'
import { familyCodec, type LabeledNlri, type Nlri, type VpnNlri } from '../bgp/index.ts'
import { createRib, type RibEntry, type WithdrawalBatch } from './index.ts'
import { ADD_PATH, announceMp, CTX, send, withdrawMp } from './test-updates.ts'

function keys(it: Iterable<RibEntry>): string[] {
  return [...it].map((e) => e.key)
}

const EVPN = familyCodec(25, 70)

function imet(rd: string, originator: string, pathId?: number): Nlri {
  return { routeType: 3, rd, ethernetTag: 0, originator, ...(pathId !== undefined ? { pathId } : {}) } as Nlri
}

function vpn(rd: string, prefix: string, label = 100): VpnNlri {
  return { labels: [label], rd, prefix }
}

describe('Adj-RIB-In non-unicast families', () => {
  it('keeps EVPN routes keyed by their NLRI, with the NLRI as received', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    const r1 = imet('192.0.2.1:100', '192.0.2.1')
    const r2 = imet('192.0.2.1:100', '192.0.2.2')
    send(rib, a, announceMp(25, 70, [r2, r1], { nextHop: ['192.0.2.1'] }))
    send(rib, b, announceMp(25, 70, [r1], { nextHop: ['192.0.2.9'] }))
    const k1 = EVPN.key(r1)
    const k2 = EVPN.key(r2)
    expect(keys(rib.entries('l2vpn-evpn'))).toEqual([k1, k2].sort())
    const e = rib.get('l2vpn-evpn', k1)!
    expect(e.routes.map((r) => [r.peer, r.nlri, r.attributes.nextHop])).toEqual([
      [a, r1, ['192.0.2.1']],
      [b, r1, ['192.0.2.9']],
    ])
    expect(e.prefix).toBeUndefined()
    expect(rib.list(a).routes.map((r) => r.key)).toEqual([k1, k2].sort())
    send(rib, a, withdrawMp(25, 70, [r1]))
    expect(rib.get('l2vpn-evpn', k1)!.routes.map((r) => r.peer)).toEqual([b])
    const batches: WithdrawalBatch[] = []
    rib.removePeer(a, (x) => batches.push(x))
    expect(batches).toEqual([{ peer: a, family: 'l2vpn-evpn', afi: 25, safi: 70, nlri: [r2] }])
    expect(rib.get('l2vpn-evpn', k2)).toBeUndefined()
  })

  it('keeps EVPN path ids apart (ADD-PATH)', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(
      rib,
      a,
      announceMp(25, 70, [imet('192.0.2.1:1', '192.0.2.1', 1), imet('192.0.2.1:1', '192.0.2.1', 2)], {
        nextHop: ['192.0.2.1'],
      }),
      ADD_PATH,
    )
    expect(rib.counts(a)).toEqual([{ family: 'l2vpn-evpn', paths: 2, prefixes: 1, stale: 0 }])
    expect(rib.list(a).routes.map((r) => r.pathId)).toEqual([1, 2])
  })

  it('keeps a family the codec carries raw, keyed by its NLRI octets', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const raw = { raw: '0a0b0c' }
    send(rib, a, announceMp(1, 250, [raw], { nextHop: ['192.0.2.1'] }))
    expect(rib.families()).toEqual(['afi-1-safi-250'])
    expect(rib.get('afi-1-safi-250', '0a0b0c')!.routes.map((r) => [r.nlri, r.attributes.nextHop])).toEqual([
      [raw, ['192.0.2.1']],
    ])
  })

  it('looks VPN prefixes up under their route distinguisher', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    send(
      rib,
      a,
      announceMp(
        1,
        128,
        [vpn('65000:1', '10.0.0.0/8'), vpn('65000:1', '10.1.0.0/16', 101), vpn('65000:2', '10.1.0.0/16')],
        { nextHop: ['192.0.2.1'] },
      ),
    )
    send(rib, b, announceMp(1, 128, [vpn('192.0.2.1:7', '0.0.0.0/0')], { nextHop: ['192.0.2.2'] }))
    expect(rib.exact('ipv4-vpn', '10.1.0.0/16', { rd: '65000:1' })?.routes.map((r) => r.nlri)).toEqual([
      vpn('65000:1', '10.1.0.0/16', 101),
    ])
    expect(rib.longest('ipv4-vpn', '10.1.2.3', { rd: '65000:1' })?.key).toBe('65000:1 10.1.0.0/16')
    expect(rib.longest('ipv4-vpn', '10.2.0.0', { rd: '65000:1' })?.key).toBe('65000:1 10.0.0.0/8')
    expect(rib.longest('ipv4-vpn', '10.2.0.0', { rd: '65000:2' })).toBeUndefined()
    expect(rib.longest('ipv4-vpn', '203.0.113.1', { rd: '192.0.2.1:7' })?.key).toBe('192.0.2.1:7 0.0.0.0/0')
    expect(keys(rib.moreSpecifics('ipv4-vpn', '0.0.0.0/0', { rd: '65000:1' }))).toEqual([
      '65000:1 10.0.0.0/8',
      '65000:1 10.1.0.0/16',
    ])
    expect(keys(rib.lessSpecifics('ipv4-vpn', '10.1.0.0/16', { rd: '65000:2' }))).toEqual([
      '65000:2 10.1.0.0/16',
    ])
    const e = rib.exact('ipv4-vpn', '10.0.0.0/8', { rd: '65000:1' })!
    expect([e.rd, e.prefix, e.key]).toEqual([
      '65000:1',
      '10.0.0.0/8',
      familyCodec(1, 128).key(vpn('65000:1', '10.0.0.0/8')),
    ])
    expect(rib.get('ipv4-vpn', '65000:2 10.1.0.0/16')?.routes.map((r) => r.peer)).toEqual([a])
    expect(keys(rib.entries('ipv4-vpn'))).toEqual([
      '65000:1 10.0.0.0/8',
      '65000:1 10.1.0.0/16',
      '65000:2 10.1.0.0/16',
      '192.0.2.1:7 0.0.0.0/0',
    ])
    expect(() => rib.exact('ipv4-vpn', '10.0.0.0/8')).toThrow(RangeError)
    send(rib, a, withdrawMp(1, 128, [vpn('65000:1', '10.1.0.0/16', 0x800000)]))
    expect(rib.exact('ipv4-vpn', '10.1.0.0/16', { rd: '65000:1' })).toBeUndefined()
    expect(rib.list(a).routes.map((r) => r.key)).toEqual(['65000:1 10.0.0.0/8', '65000:2 10.1.0.0/16'])
  })

  it('looks IPv6 VPN prefixes up under their route distinguisher', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(
      rib,
      a,
      announceMp(2, 128, [vpn('65000:1', '2001:db8::/32'), vpn('65000:1', '2001:db8:1::/48')], {
        nextHop: ['2001:db8::1'],
      }),
    )
    expect(rib.longest('ipv6-vpn', '2001:db8:1::1', { rd: '65000:1' })?.key).toBe('65000:1 2001:db8:1::/48')
    expect(rib.longest('ipv6-vpn', '2001:db8:1::1', { rd: '65000:3' })).toBeUndefined()
    expect(rib.exact('ipv6-vpn', '2001:db8::/32', { rd: '65000:1' })!.routes[0]!.attributes.nextHop).toEqual([
      '2001:db8::1',
    ])
  })

  it('keeps labeled unicast labels and looks its prefixes up like unicast', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const n: LabeledNlri = { labels: [16001], prefix: '198.51.100.0/24' }
    send(rib, a, announceMp(1, 4, [n], { nextHop: ['192.0.2.1'] }), CTX)
    expect(rib.longest('ipv4-labeled', '198.51.100.7')?.routes.map((r) => r.nlri)).toEqual([n])
    expect(rib.exact('ipv4-unicast', '198.51.100.0/24')).toBeUndefined()
  })
})
