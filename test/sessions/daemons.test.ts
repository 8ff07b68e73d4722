// Proof with real routers: BIRD 2, FRR bgpd, GoBGP and ExaBGP from Debian
// connect to the collector over loopback and announce IPv4 and IPv6 routes
// with communities, large communities, MED and AS sets (BIRD and GoBGP and
// ExaBGP with ADD-PATH, several paths per prefix; GoBGP also EVPN, VPNv4 and
// FlowSpec, asserted as decoded). Each test asserts exactly what the RIB
// holds, withdraws and asserts again, kills the daemon and checks the routes
// go (or go stale and come back, with graceful restart; FRR also comes back
// without one prefix, which its End-of-RIB sweeps), restarts it and checks the
// recovery; and that the collector sent nothing but OPEN, KEEPALIVE,
// NOTIFICATION, ROUTE-REFRESH and End-of-RIB over the whole test.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeMessage } from '../../collector/src/bgp/index.ts'
import { peer, ribOf, routesOf, startCollector, type TestCollector, withoutPathIds } from './collector.ts'
import { bird, type Daemon, exabgp, freePort, frr, gobgp, requireDaemon, until } from './daemons.ts'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** What each test collector sent, per peer: the type of every message, End-of-RIB told apart. */
const sentBy = new WeakMap<TestCollector, { perPeer: Map<string, string[]>; drained: () => Promise<void> }>()

async function collectorFor(...peers: Parameters<typeof peer>[]): Promise<TestCollector> {
  const c = await startCollector(peers.map((p) => peer(...p)))
  const sent = new Map<string, string[]>()
  const sub = c.collector.bus.subscribe('sent-messages', (e) => {
    if (e.type !== 'message' || e.direction !== 'sent') return
    // The octets that went out, decoded again: what the peer read.
    const m = decodeMessage(e.raw, e.context).message
    const what =
      m?.type === 'UPDATE' ? (m.endOfRib ? `End-of-RIB ${m.endOfRib}` : 'UPDATE') : (m?.type ?? 'undecodable')
    sent.set(e.peerAddress, [...(sent.get(e.peerAddress) ?? []), what])
  })
  sentBy.set(c, { perPeer: sent, drained: () => sub.drained() })
  cleanup.push(async () => {
    await c.stop()
    sub.close()
  })
  return c
}

/**
 * A collector never announces: over the whole test (every session with the
 * peer), the message types it sent, as the peer received them. KEEPALIVEs are
 * written without an event; the peer's counters have them, and count every
 * UPDATE sent, so none can have gone out but the End-of-RIBs.
 */
async function sentTo(c: TestCollector, address: string) {
  const seen = sentBy.get(c)!
  await seen.drained()
  const sent = seen.perPeer.get(address) ?? []
  const counters = c.collector.sessions.peer(address)!.view().counters.messagesSent
  return {
    types: [...new Set(sent)].sort(),
    counted: Object.keys(counters).sort(),
    updates: counters.UPDATE ?? 0,
    endOfRibs: sent.filter((s) => s.startsWith('End-of-RIB')).length,
  }
}

const NEVER_ANNOUNCES = new Set(['OPEN', 'KEEPALIVE', 'NOTIFICATION', 'ROUTE_REFRESH'])

function expectNeverAnnounced(s: Awaited<ReturnType<typeof sentTo>>): void {
  const allowed = (t: string) => NEVER_ANNOUNCES.has(t) || t.startsWith('End-of-RIB ')
  expect({
    notAllowed: [...s.types, ...s.counted.filter((t) => t !== 'UPDATE')].filter((t) => !allowed(t)),
    updatesBesidesEndOfRib: s.updates - s.endOfRibs,
  }).toEqual({ notAllowed: [], updatesBesidesEndOfRib: 0 })
}

function track<D extends Daemon>(d: D): D {
  cleanup.push(() => d.dispose())
  return d
}

function state(c: TestCollector, address: string): string | undefined {
  return c.collector.sessions.peer(address)?.state
}

async function established(c: TestCollector, d: Daemon, count = 1): Promise<void> {
  await until(
    `${d.name} is established (${count})`,
    () =>
      state(c, d.address) === 'Established' &&
      c.collector.sessions.peer(d.address)!.view().counters.establishedCount >= count,
    30_000,
    d,
  )
}

/** Waits until the peer's RIB stops changing for a moment and returns it. */
async function settled(c: TestCollector, address: string, cond: (n: number) => boolean, d: Daemon) {
  await until(`${d.name}'s routes`, () => cond(ribOf(c.collector.rib, address).length), 30_000, {
    ...d,
    output: () =>
      `${d.output()}\n--- RIB: ${JSON.stringify(ribOf(c.collector.rib, address))}\n--- peer: ${JSON.stringify(
        c.collector.sessions.peer(address)?.view().counters,
      )}`,
  })
  await new Promise((r) => setTimeout(r, 300))
  return ribOf(c.collector.rib, address)
}

const BIRD_ADDRESS = '127.0.0.11'

function birdConfig(port: number, second: boolean): string {
  return `router id 10.0.0.11;
log stderr all;
protocol device {}
protocol static s4a {
  ipv4;
  route 198.51.100.0/24 blackhole { bgp_community.add((64511,1)); bgp_large_community.add((64511,1,2)); };
  route 203.0.113.0/25 blackhole;
}
${
  second
    ? `protocol static s4b {
  ipv4;
  route 198.51.100.0/24 blackhole { bgp_community.add((64511,2)); };
}`
    : ''
}
protocol static s6 {
  ipv6;
  route 2001:db8:11::/48 blackhole { bgp_large_community.add((64511,6,6)); };
}
protocol bgp collector {
  local ${BIRD_ADDRESS} as 64511;
  neighbor 127.0.0.1 port ${port} as 65000;
  # BIRD refuses host-scope (127/8) neighbours as directly connected. (It also
  # sends no MED to an external peer; the other daemons cover MED.)
  multihop;
  hold time 90;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 2;
  ipv4 { import none; export all; add paths tx; next hop address 192.0.2.11; };
  ipv6 { import none; export all; add paths tx; next hop address 2001:db8::11; };
}
`
}

describe.runIf(requireDaemon('bird'))('BIRD 2', () => {
  it('sends every path with ADD-PATH; withdrawals, a crash and a restart show in the RIB', async () => {
    const c = await collectorFor([BIRD_ADDRESS, 64511])
    const b = track(bird(BIRD_ADDRESS, birdConfig(c.port, true)))
    await b.start()
    await established(c, b)
    const v4 = { family: 'ipv4-unicast', nextHop: ['192.0.2.11'], asPath: '64511' }
    const first = await settled(c, BIRD_ADDRESS, (n) => n === 4, b)
    const { routes, pathIds } = withoutPathIds(first)
    expect(routes).toEqual([
      { ...v4, key: '198.51.100.0/24', communities: ['64511:1'], largeCommunities: ['64511:1:2'] },
      { ...v4, key: '198.51.100.0/24', communities: ['64511:2'] },
      { ...v4, key: '203.0.113.0/25' },
      {
        family: 'ipv6-unicast',
        key: '2001:db8:11::/48',
        nextHop: ['2001:db8::11'],
        asPath: '64511',
        largeCommunities: ['64511:6:6'],
      },
    ])
    // Two paths for one prefix, with distinct path ids.
    expect(new Set(pathIds.slice(0, 2)).size).toBe(2)
    expect(c.collector.sessions.peer(BIRD_ADDRESS)!.view().negotiated?.addPath).toEqual([
      'ipv4-unicast',
      'ipv6-unicast',
    ])

    // Withdraw the second path of 198.51.100.0/24.
    await b.reconfigure(birdConfig(c.port, false))
    const after = await settled(c, BIRD_ADDRESS, (n) => n === 3, b)
    expect(withoutPathIds(after).routes).toEqual([
      { ...v4, key: '198.51.100.0/24', communities: ['64511:1'], largeCommunities: ['64511:1:2'] },
      { ...v4, key: '203.0.113.0/25' },
      {
        family: 'ipv6-unicast',
        key: '2001:db8:11::/48',
        nextHop: ['2001:db8::11'],
        asPath: '64511',
        largeCommunities: ['64511:6:6'],
      },
    ])

    // A crash: BIRD's graceful restart is only "aware" (no family preserved), so the routes go.
    await b.kill()
    await until('BIRD routes removed', () => ribOf(c.collector.rib, BIRD_ADDRESS).length === 0)
    await until('waiting for BIRD again', () => state(c, BIRD_ADDRESS) === 'Active')

    await b.start()
    await established(c, b, 2)
    const recovered = await settled(c, BIRD_ADDRESS, (n) => n === 3, b)
    expect(withoutPathIds(recovered).routes).toEqual(withoutPathIds(after).routes)
    const sent = await sentTo(c, BIRD_ADDRESS)
    expectNeverAnnounced(sent)
    // BIRD is graceful-restart aware: it gets our End-of-RIBs, two sessions' worth.
    expect(sent).toEqual({
      types: ['End-of-RIB ipv4-unicast', 'End-of-RIB ipv6-unicast', 'OPEN'],
      counted: ['KEEPALIVE', 'OPEN', 'UPDATE'],
      updates: 4,
      endOfRibs: 4,
    })
  })
})

const FRR_ADDRESS = '127.0.0.13'

function frrConfig(port: number, gr = ' bgp graceful-restart restart-time 120'): string {
  return `frr defaults traditional
hostname frr-test
log stdout informational
!
route-map SET permit 10
 set community 64513:1 64513:2
 set large-community 64513:1:1
 set metric 30
!
route-map NH permit 10
 set ip next-hop 192.0.2.13
 set ipv6 next-hop global 2001:db8::13
!
router bgp 64513
 bgp router-id 10.0.0.13
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp graceful-restart
 bgp graceful-restart preserve-fw-state
${gr}
 neighbor 127.0.0.1 remote-as 65000
 neighbor 127.0.0.1 port ${port}
 neighbor 127.0.0.1 update-source ${FRR_ADDRESS}
 neighbor 127.0.0.1 ebgp-multihop 5
 neighbor 127.0.0.1 timers connect 1
 address-family ipv4 unicast
  network 198.51.100.0/24 route-map SET
  network 203.0.113.0/24
  neighbor 127.0.0.1 activate
  neighbor 127.0.0.1 route-map NH out
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:13::/48 route-map SET
  neighbor 127.0.0.1 activate
  neighbor 127.0.0.1 route-map NH out
 exit-address-family
!
`
}

describe.runIf(requireDaemon('frr'))('FRR bgpd', () => {
  it('keeps the routes stale through a crash with graceful restart, and sweeps them at End-of-RIB', async () => {
    const c = await collectorFor([FRR_ADDRESS, 64513])
    const f = track(frr(FRR_ADDRESS, frrConfig(c.port)))
    await f.start()
    await established(c, f)
    // FRR gives its own networks MED 0 unless a route-map sets one.
    const v4 = { family: 'ipv4-unicast', nextHop: ['192.0.2.13'], asPath: '64513' }
    const tagged = { communities: ['64513:1', '64513:2'], largeCommunities: ['64513:1:1'], med: 30 }
    const v6 = {
      family: 'ipv6-unicast',
      key: '2001:db8:13::/48',
      nextHop: ['2001:db8::13'],
      asPath: '64513',
      ...tagged,
    }
    expect(await settled(c, FRR_ADDRESS, (n) => n === 3, f)).toEqual([
      { ...v4, key: '198.51.100.0/24', ...tagged },
      { ...v4, key: '203.0.113.0/24', med: 0 },
      v6,
    ])
    const view = c.collector.sessions.peer(FRR_ADDRESS)!.view()
    expect(view.negotiated?.gracefulRestart).toEqual({
      restartTime: 120,
      families: ['ipv4-unicast', 'ipv6-unicast'],
    })

    await f.vtysh(
      'configure terminal',
      'router bgp 64513',
      'address-family ipv4 unicast',
      'no network 203.0.113.0/24',
    )
    expect(await settled(c, FRR_ADDRESS, (n) => n === 2, f)).toEqual([
      { ...v4, key: '198.51.100.0/24', ...tagged },
      v6,
    ])

    // A crash with GR: the routes stay, marked stale, for the restart time.
    await f.kill()
    await until('stale', () => ribOf(c.collector.rib, FRR_ADDRESS).every((r) => r.stale))
    expect(ribOf(c.collector.rib, FRR_ADDRESS)).toEqual([
      { ...v4, key: '198.51.100.0/24', ...tagged, stale: true },
      { ...v6, stale: true },
    ])

    // Back with the saved config (203.0.113.0/24 included): refreshed, End-of-RIB sweeps nothing stale left.
    await f.start()
    await established(c, f, 2)
    await until('refreshed', () => {
      const r = ribOf(c.collector.rib, FRR_ADDRESS)
      return r.length === 3 && r.every((x) => !x.stale)
    })
    expect(ribOf(c.collector.rib, FRR_ADDRESS)).toEqual([
      { ...v4, key: '198.51.100.0/24', ...tagged },
      { ...v4, key: '203.0.113.0/24', med: 0 },
      v6,
    ])
    expect(c.collector.sessions.peer(FRR_ADDRESS)!.view().families['ipv4-unicast']?.endOfRibAt).toEqual(
      expect.any(Number),
    )
    expect(c.logs.filter((l) => l.includes('stale routes removed'))).toEqual([])

    // Another crash, and it comes back without 198.51.100.0/24 in its config. It cannot withdraw
    // what it no longer knows it sent: the stale route stays until its End-of-RIB sweeps it
    // (RFC 4724 §4.2), long before the 120 s restart time is up.
    await f.kill()
    await until('stale again', () => {
      const r = ribOf(c.collector.rib, FRR_ADDRESS)
      return r.length === 3 && r.every((x) => x.stale)
    })
    writeFileSync(
      join(f.dir, 'bgpd.conf'),
      frrConfig(c.port).replace(' network 198.51.100.0/24 route-map SET\n', ''),
    )
    await f.start()
    await established(c, f, 3)
    await until(
      'swept at End-of-RIB',
      () => {
        const r = ribOf(c.collector.rib, FRR_ADDRESS)
        return r.length === 2 && r.every((x) => !x.stale)
      },
      30_000,
      f,
    )
    expect(ribOf(c.collector.rib, FRR_ADDRESS)).toEqual([{ ...v4, key: '203.0.113.0/24', med: 0 }, v6])
    expect(c.logs.filter((l) => l.includes('stale routes removed'))).toEqual([
      expect.stringMatching(/info {2}stale routes removed peer=127\.0\.0\.13 families=ipv4-unicast paths=1$/),
    ])

    // And over three sessions, it never received a route from the collector.
    const sent = await sentTo(c, FRR_ADDRESS)
    expectNeverAnnounced(sent)
    // Three sessions' End-of-RIBs; the NOTIFICATIONs are the Ceases refusing its reconnections
    // during the idle hold after the second crash in a row.
    const notNotification = (t: string) => t !== 'NOTIFICATION'
    expect({
      ...sent,
      types: sent.types.filter(notNotification),
      counted: sent.counted.filter(notNotification),
    }).toEqual({
      types: ['End-of-RIB ipv4-unicast', 'End-of-RIB ipv6-unicast', 'OPEN'],
      counted: ['KEEPALIVE', 'OPEN', 'UPDATE'],
      updates: 6,
      endOfRibs: 6,
    })
    // FRR's own count of the prefixes it received from the collector.
    const summary = JSON.parse(await f.vtysh('show bgp summary json')) as Record<
      string,
      { peers: Record<string, { pfxRcd: number }> }
    >
    expect([
      summary.ipv4Unicast?.peers['127.0.0.1']?.pfxRcd,
      summary.ipv6Unicast?.peers['127.0.0.1']?.pfxRcd,
    ]).toEqual([0, 0])
  })
})

describe.runIf(requireDaemon('frr'))('FRR bgpd with long-lived graceful restart', () => {
  it('keeps the routes stale for the restart time, then long-lived stale, then removes them (RFC 9494)', async () => {
    const c = await collectorFor([FRR_ADDRESS, 64513])
    const llgr = ' bgp graceful-restart restart-time 1\n bgp long-lived-graceful-restart stale-time 3'
    const f = track(frr(FRR_ADDRESS, frrConfig(c.port, llgr)))
    await f.start()
    await established(c, f)
    await settled(c, FRR_ADDRESS, (n) => n === 3, f)
    expect(c.collector.sessions.peer(FRR_ADDRESS)!.view().negotiated?.longLivedStale).toEqual({
      'ipv4-unicast': 3,
      'ipv6-unicast': 3,
    })
    await f.kill()
    const flags = () =>
      ribOf(c.collector.rib, FRR_ADDRESS).map((r) => [r.key, r.stale ?? false, r.llgrStale ?? false])
    await until('stale', () => flags().every(([, stale]) => stale))
    expect(flags()).toEqual([
      ['198.51.100.0/24', true, false],
      ['203.0.113.0/24', true, false],
      ['2001:db8:13::/48', true, false],
    ])
    await until('long-lived stale', () => flags().every(([, , ll]) => ll), 5_000)
    expect(flags()).toEqual([
      ['198.51.100.0/24', true, true],
      ['203.0.113.0/24', true, true],
      ['2001:db8:13::/48', true, true],
    ])
    const t = Date.now()
    await until('removed', () => flags().length === 0, 10_000)
    expect(Date.now() - t).toBeGreaterThan(1_500)
  })
})

const GOBGP_ADDRESS = '127.0.0.12'
const GOBGP_ADD_PATH_ADDRESS = '127.0.0.16'

function gobgpConfig(port: number, local: string, addPath: boolean): string {
  const family = (name: string) => `
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "${name}"${
        addPath
          ? `
    [neighbors.afi-safis.add-paths.config]
      send-max = 8`
          : ''
      }`
  return `[global.config]
  as = 64512
  router-id = "10.0.0.12"
  port = -1

[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65000
  [neighbors.transport.config]
    local-address = "${local}"
    remote-port = ${port}
  [neighbors.timers.config]
    connect-retry = 1
  [neighbors.ebgp-multihop.config]
    enabled = true
    multihop-ttl = 5
${['ipv4-unicast', 'ipv6-unicast', 'l2vpn-evpn', 'l3vpn-ipv4-unicast', 'ipv4-flowspec'].map(family).join('\n')}
`
}

const EVPN_ROUTE = [
  'macadv',
  '11:22:33:44:55:66',
  '10.0.0.1',
  'esi',
  '0',
  'etag',
  '0',
  'label',
  '100',
  'rd',
  '64512:10',
]
const FLOW_ROUTE = ['match', 'destination', '10.0.0.0/24', 'source', '20.0.0.0/24', 'protocol', 'tcp']

/** GoBGP's VPNv4, EVPN and FlowSpec routes above as the collector's codecs decode them, whole. */
const DECODED: Readonly<Record<string, ReturnType<typeof routesOf>>> = {
  'ipv4-vpn': [
    {
      key: '64512:1 10.10.0.0/24',
      nlri: { labels: [100], rd: '64512:1', prefix: '10.10.0.0/24' },
      nextHop: ['192.0.2.12'],
      asPath: '64512',
      extendedCommunities: ['target:64512:1'],
    },
  ],
  'l2vpn-evpn': [
    {
      key: '2:64512:10:0:11:22:33:44:55:66:10.0.0.1',
      nlri: {
        routeType: 2,
        rd: '64512:10',
        esi: { type: 0, value: '000000000000000000' },
        ethernetTag: 0,
        mac: '11:22:33:44:55:66',
        ip: '10.0.0.1',
        // With VXLAN the 3-octet field is the VNI, 100 (RFC 8365 §5.1.3); read as an MPLS label, 6.
        labels: [{ value: 100, label: 6 }],
      },
      nextHop: ['192.0.2.12'],
      asPath: '64512',
      extendedCommunities: ['target:64512:10', 'encap:vxlan'],
    },
  ],
  'ipv4-flowspec': [
    {
      key: 'destination-ipv4 10.0.0.0/24 source-ipv4 20.0.0.0/24 protocol =tcp',
      nlri: {
        components: [
          { type: 1, name: 'destination-prefix', prefix: '10.0.0.0/24' },
          { type: 2, name: 'source-prefix', prefix: '20.0.0.0/24' },
          {
            type: 3,
            name: 'ip-protocol',
            operators: [{ end: true, and: false, length: 1, lt: false, gt: false, eq: true, value: 6 }],
          },
        ],
      },
      // FlowSpec has no next hop (RFC 8955 §4: length 0); the action is the traffic-rate community.
      nextHop: [],
      asPath: '64512',
      extendedCommunities: ['rate-limit:10000'],
    },
  ],
}

describe.runIf(requireDaemon('gobgp'))('GoBGP', () => {
  it('sends unicast with AS sets, EVPN, VPNv4 and FlowSpec; a crash removes them all', async () => {
    const c = await collectorFor([GOBGP_ADDRESS, 64512])
    const g = track(gobgp(GOBGP_ADDRESS, gobgpConfig(c.port, GOBGP_ADDRESS, false), await freePort()))
    await g.start()
    await established(c, g)
    const rib = (...args: string[]) => g.gobgp('global', 'rib', ...args)
    const announce = async () => {
      // prettier-ignore
      await rib(
        'add',
        '198.51.100.0/24',
        '-a',
        'ipv4',
        'nexthop',
        '192.0.2.12',
        'community',
        '64512:1',
        'large-community',
        '64512:1:1',
        'med',
        '10',
        'aspath',
        '64600 {64601,64602}',
      )
      await rib('add', '203.0.113.0/24', '-a', 'ipv4', 'nexthop', '192.0.2.13', 'community', '64512:2')
      await rib(
        'add',
        '2001:db8:12::/48',
        '-a',
        'ipv6',
        'nexthop',
        '2001:db8::12',
        'large-community',
        '64512:6:6',
      )
      await rib(
        '-a',
        'evpn',
        'add',
        ...EVPN_ROUTE,
        'rt',
        '64512:10',
        'encap',
        'vxlan',
        'nexthop',
        '192.0.2.12',
      )
      await rib(
        '-a',
        'vpnv4',
        'add',
        '10.10.0.0/24',
        'label',
        '100',
        'rd',
        '64512:1',
        'rt',
        '64512:1',
        'nexthop',
        '192.0.2.12',
      )
      await rib('-a', 'ipv4-flowspec', 'add', ...FLOW_ROUTE, 'then', 'rate-limit', '10000')
    }
    await announce()
    const routes = await settled(c, GOBGP_ADDRESS, (n) => n === 6, g)
    const byFamily = (f: string) => routes.filter((r) => r.family === f)
    expect(byFamily('ipv4-unicast')).toEqual([
      {
        family: 'ipv4-unicast',
        key: '198.51.100.0/24',
        nextHop: ['192.0.2.12'],
        asPath: '64512 64600 {64601,64602}',
        communities: ['64512:1'],
        largeCommunities: ['64512:1:1'],
        med: 10,
      },
      {
        family: 'ipv4-unicast',
        key: '203.0.113.0/24',
        nextHop: ['192.0.2.13'],
        asPath: '64512',
        communities: ['64512:2'],
      },
    ])
    expect(byFamily('ipv6-unicast')).toEqual([
      {
        family: 'ipv6-unicast',
        key: '2001:db8:12::/48',
        nextHop: ['2001:db8::12'],
        asPath: '64512',
        largeCommunities: ['64512:6:6'],
      },
    ])
    // Other families are kept by their NLRI key, with the NLRI their codecs decoded.
    const decoded = () =>
      Object.fromEntries(Object.keys(DECODED).map((f) => [f, routesOf(c.collector.rib, GOBGP_ADDRESS, f)]))
    expect(decoded()).toEqual(DECODED)
    expect(c.collector.sessions.peer(GOBGP_ADDRESS)!.view().counters.problems).toEqual({})

    await rib('del', '203.0.113.0/24', '-a', 'ipv4')
    await rib('-a', 'evpn', 'del', ...EVPN_ROUTE)
    await rib('-a', 'ipv4-flowspec', 'del', ...FLOW_ROUTE)
    const after = await settled(c, GOBGP_ADDRESS, (n) => n === 3, g)
    expect(after).toEqual([routes[0], ...byFamily('ipv4-vpn'), ...byFamily('ipv6-unicast')])

    // No graceful restart configured: a crash removes everything at once.
    await g.kill()
    await until('GoBGP routes removed', () => ribOf(c.collector.rib, GOBGP_ADDRESS).length === 0)
    await g.start()
    await established(c, g, 2)
    await announce()
    expect(await settled(c, GOBGP_ADDRESS, (n) => n === 6, g)).toEqual(routes)
    expect(decoded()).toEqual(DECODED)
    const sent = await sentTo(c, GOBGP_ADDRESS)
    expectNeverAnnounced(sent)
    // No graceful restart configured: not even an End-of-RIB.
    expect(sent).toEqual({ types: ['OPEN'], counted: ['KEEPALIVE', 'OPEN'], updates: 0, endOfRibs: 0 })
  })

  it('sends several paths per prefix with ADD-PATH (and, being 3.10, FlowSpec RFC 7606 must disable)', async () => {
    const c = await collectorFor([GOBGP_ADD_PATH_ADDRESS, 64512])
    const g = track(
      gobgp(GOBGP_ADD_PATH_ADDRESS, gobgpConfig(c.port, GOBGP_ADD_PATH_ADDRESS, true), await freePort()),
    )
    await g.start()
    await established(c, g)
    const rib = (...args: string[]) => g.gobgp('global', 'rib', ...args)
    await rib(
      'add',
      '198.51.100.0/24',
      '-a',
      'ipv4',
      'nexthop',
      '192.0.2.12',
      'community',
      '64512:1',
      'identifier',
      '1',
    )
    await rib(
      'add',
      '198.51.100.0/24',
      '-a',
      'ipv4',
      'nexthop',
      '192.0.2.13',
      'community',
      '64512:2',
      'identifier',
      '2',
    )
    await rib('add', '2001:db8:12::/48', '-a', 'ipv6', 'nexthop', '2001:db8::12', 'identifier', '7')
    await rib('add', '2001:db8:12::/48', '-a', 'ipv6', 'nexthop', '2001:db8::13', 'identifier', '8')
    const v4 = { family: 'ipv4-unicast', key: '198.51.100.0/24', asPath: '64512' }
    const v6 = { family: 'ipv6-unicast', key: '2001:db8:12::/48', asPath: '64512' }
    const expected = [
      { ...v4, nextHop: ['192.0.2.12'], communities: ['64512:1'] },
      { ...v4, nextHop: ['192.0.2.13'], communities: ['64512:2'] },
      { ...v6, nextHop: ['2001:db8::12'] },
      { ...v6, nextHop: ['2001:db8::13'] },
    ]
    const first = withoutPathIds(await settled(c, GOBGP_ADD_PATH_ADDRESS, (n) => n === 4, g))
    expect(first.routes).toEqual(expected)
    // Path ids tell the paths of one prefix apart.
    expect([new Set(first.pathIds.slice(0, 2)).size, new Set(first.pathIds.slice(2)).size]).toEqual([2, 2])
    await rib('del', '198.51.100.0/24', '-a', 'ipv4', 'identifier', '2')
    expect(withoutPathIds(await settled(c, GOBGP_ADD_PATH_ADDRESS, (n) => n === 3, g)).routes).toEqual([
      expected[0],
      expected[2],
      expected[3],
    ])
    // GoBGP 3.10 with ADD-PATH on writes 4 extra octets into every FlowSpec prefix
    // component; the NLRI cannot be parsed, so the family is disabled (RFC 7606 §5.3).
    await rib('-a', 'ipv4-flowspec', 'add', ...FLOW_ROUTE, 'then', 'rate-limit', '10000')
    const peerView = () => c.collector.sessions.peer(GOBGP_ADD_PATH_ADDRESS)!.view()
    await until('FlowSpec disabled', () => peerView().counters.disabledFamilies.length > 0, 10_000, g)
    expect([peerView().counters.disabledFamilies, peerView().counters.problems, peerView().state]).toEqual([
      ['ipv4-flowspec'],
      { 'afi-safi-disable': { 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD': 1 } },
      'Established',
    ])
    expect(ribOf(c.collector.rib, GOBGP_ADD_PATH_ADDRESS).length).toBe(3)
  })
})

const EXABGP_ADDRESS = '127.0.0.14'

function exabgpConfig(port: number): string {
  return `process commands {
  run /usr/bin/tail -n +1 -F %COMMANDS%;
  encoder text;
}
neighbor 127.0.0.1 {
  router-id 10.0.0.14;
  local-address ${EXABGP_ADDRESS};
  local-as 64514;
  peer-as 65000;
  hold-time 90;
  connect ${port};
  family {
    ipv4 unicast;
    ipv6 unicast;
  }
  capability {
    add-path send;
    route-refresh;
    graceful-restart 60;
  }
  api {
    processes [ commands ];
  }
}
`
}

describe.runIf(requireDaemon('exabgp'))('ExaBGP', () => {
  it('sends AS sets and path ids through its API; a crash leaves stale routes that End-of-RIB sweeps', async () => {
    const c = await collectorFor([EXABGP_ADDRESS, 64514])
    const x = track(exabgp(EXABGP_ADDRESS, exabgpConfig(c.port)))
    x.command(
      'announce route 198.51.100.0/24 path-information 1 next-hop 192.0.2.14 med 40 community [64514:1] large-community [64514:1:1] as-path [64514 64700 ( 64701 64702 )]',
    )
    x.command(
      'announce route 198.51.100.0/24 path-information 2 next-hop 192.0.2.15 community [64514:2] as-path [64514 64800]',
    )
    x.command('announce route 203.0.113.0/24 path-information 1 next-hop 192.0.2.14 as-path [64514]')
    x.command('announce route 2001:db8:14::/48 path-information 1 next-hop 2001:db8::14 as-path [64514]')
    await x.start()
    await established(c, x)
    const first = await settled(c, EXABGP_ADDRESS, (n) => n === 4, x)
    const a = { family: 'ipv4-unicast', key: '198.51.100.0/24' }
    expect(first).toEqual([
      {
        ...a,
        pathId: 1,
        nextHop: ['192.0.2.14'],
        asPath: '64514 64700 {64701,64702}',
        communities: ['64514:1'],
        largeCommunities: ['64514:1:1'],
        med: 40,
      },
      { ...a, pathId: 2, nextHop: ['192.0.2.15'], asPath: '64514 64800', communities: ['64514:2'] },
      { family: 'ipv4-unicast', key: '203.0.113.0/24', pathId: 1, nextHop: ['192.0.2.14'], asPath: '64514' },
      {
        family: 'ipv6-unicast',
        key: '2001:db8:14::/48',
        pathId: 1,
        nextHop: ['2001:db8::14'],
        asPath: '64514',
      },
    ])

    x.command('withdraw route 198.51.100.0/24 path-information 2 next-hop 192.0.2.15')
    const after = await settled(c, EXABGP_ADDRESS, (n) => n === 3, x)
    expect(after).toEqual([first[0], first[2], first[3]])

    // ExaBGP advertises graceful restart for its families: a crash leaves the routes stale.
    await x.kill()
    await until('stale', () => ribOf(c.collector.rib, EXABGP_ADDRESS).every((r) => r.stale))
    expect(ribOf(c.collector.rib, EXABGP_ADDRESS)).toEqual(after.map((r) => ({ ...r, stale: true })))

    // Restarted, it replays its commands; the withdrawn path is not re-announced, nothing stays stale.
    await x.start()
    await established(c, x, 2)
    await until('refreshed', () => ribOf(c.collector.rib, EXABGP_ADDRESS).every((r) => !r.stale))
    expect(await settled(c, EXABGP_ADDRESS, (n) => n === 3, x)).toEqual(after)
    const sent = await sentTo(c, EXABGP_ADDRESS)
    expectNeverAnnounced(sent)
    expect(sent).toEqual({
      types: ['End-of-RIB ipv4-unicast', 'End-of-RIB ipv6-unicast', 'OPEN'],
      counted: ['KEEPALIVE', 'OPEN', 'UPDATE'],
      updates: 4,
      endOfRibs: 4,
    })
  })
})
