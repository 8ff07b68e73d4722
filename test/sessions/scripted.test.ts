// Sessions over real loopback sockets against a scripted speaker: every
// behaviour of the issue that a real daemon cannot be made to show on demand
// (malformed UPDATEs, collisions, hold timer expiry on a manual clock…).

import { afterEach, describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  type Capability,
  type CodecContext,
  familyByName,
  type NotificationMessage,
  type OpenMessage,
  openCapabilities,
  type PathAttribute,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import { allFamilies } from '../../collector/src/config/config.ts'
import type { BusEvent } from '../../collector/src/events/index.ts'
import type { RibEntry } from '../../collector/src/rib/index.ts'
import { manualClock } from '../../collector/src/session/index.ts'
import { type Harness, peerSettings, startHarness } from './harness.ts'
import { mp, open, ScriptedSpeaker } from './scripted-speaker.ts'

const V4 = familyByName('ipv4-unicast')!
const V6 = familyByName('ipv6-unicast')!
const ADD_PATH_CTX: CodecContext = { asn4: true, addPath: new Set([V4, V6]), extendedMessage: false }

let harness: Harness | undefined
const speakers: ScriptedSpeaker[] = []

afterEach(async () => {
  for (const s of speakers.splice(0)) await s.close()
  await harness?.close()
  harness = undefined
})

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  harness = await startHarness(...args)
  return harness
}

async function speaker(h: Harness, from: string, host = '127.0.0.1'): Promise<ScriptedSpeaker> {
  const s = await ScriptedSpeaker.connect(h.port, from, host)
  speakers.push(s)
  return s
}

const UNICAST: Capability[] = [mp(1, 1, 'ipv4-unicast'), mp(2, 1, 'ipv6-unicast')]
const ADD_PATH_SEND: Capability = {
  code: 69,
  name: 'ADD_PATH',
  value: [
    { afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'send' },
    { afi: 2, safi: 1, family: 'ipv6-unicast', sendReceive: 'send' },
  ],
}
const GR = (time: number, forwarding = true, notification = false): Capability => ({
  code: 64,
  name: 'GRACEFUL_RESTART',
  value: {
    restarting: false,
    notification,
    time,
    families: [{ afi: 1, safi: 1, family: 'ipv4-unicast', forwarding }],
  },
})

/** Connects, exchanges OPENs and KEEPALIVEs, and waits until the collector is Established. */
async function establish(
  h: Harness,
  from: string,
  caps: Capability[],
  asn = 64500,
): Promise<ScriptedSpeaker> {
  const s = await speaker(h, from)
  // The collector lets the peer speak first (DelayOpen), as routers do.
  s.send(open(asn, `10.0.0.${from.split('.')[3]}`, caps))
  await s.next('OPEN')
  await s.next('KEEPALIVE')
  s.send({ type: 'KEEPALIVE' })
  await h.until('established', () => h.sessions.peer(from)?.state === 'Established')
  return s
}

function attrs(asns: number[], extra: PathAttribute[] = [], nextHop?: string): PathAttribute[] {
  return [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns }] },
    ...(nextHop ? [{ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop } as PathAttribute] : []),
    ...extra,
  ]
}

function v4update(
  prefixes: { prefix: string; pathId?: number }[],
  extra: PathAttribute[] = [],
): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: attrs([64500, 64501], extra, '192.0.2.1'),
    nlri: prefixes,
  }
}

function v6update(prefixes: { prefix: string; pathId?: number }[]): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: { afi: 2, safi: 1, family: 'ipv6-unicast', nextHop: ['2001:db8::1'], nlri: prefixes },
      },
      ...attrs([64500, 64502]),
    ],
    nlri: [],
  }
}

const EOR_V4: UpdateMessage = { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }
const EOR_V6: UpdateMessage = {
  type: 'UPDATE',
  withdrawn: [],
  attributes: [
    {
      code: 15,
      flags: 0x80,
      name: 'MP_UNREACH_NLRI',
      value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: [] },
    },
  ],
  nlri: [],
}

/** What the RIB holds for a prefix, in a compact comparable form. */
function held(e: RibEntry | undefined) {
  return (
    e?.routes.map((r) => ({
      peer: harness!.rib.peerName(r.peer),
      pathId: r.pathId,
      nextHop: r.attributes.nextHop,
      asPath: r.attributes.attributes.asPath.flatMap((s) => s.asns),
      communities: r.attributes.attributes.communities,
      largeCommunities: r.attributes.attributes.largeCommunities,
      med: r.attributes.attributes.med,
      stale: r.stale,
    })) ?? []
  )
}

function summary(events: readonly BusEvent[], peer: string): string[] {
  return events
    .filter((e) => e.peerAddress === peer)
    .map((e) =>
      e.type === 'state'
        ? `${e.from}>${e.to}${e.risState ? ` ${e.risState}` : ''}`
        : `${e.direction} ${e.message?.type}${e.synthetic ? ' synthetic' : ''}`,
    )
}

function notification(code: number, subcode: number, data = ''): Partial<NotificationMessage> {
  return { type: 'NOTIFICATION', code, subcode, data }
}

describe('sessions against a scripted speaker', () => {
  it('rejects an unknown source with Cease / Connection Rejected and logs it', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const s = await speaker(h, '127.0.0.9')
    expect(await s.next()).toEqual({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 5,
      data: '',
      codeName: 'CEASE',
      subcodeName: 'CONNECTION_REJECTED',
    })
    await s.whenClosed
    expect(h.logs.filter((l) => l.includes('connection rejected'))).toEqual([
      expect.stringMatching(
        /warn {2}connection rejected peer=127\.0\.0\.9 remotePort=\d+ reason="not a configured peer"/,
      ),
    ])
    expect(h.sessions.stats().rejectedConnections).toBe(1)
  })

  it('keeps every path with ADD-PATH, follows withdrawals, and removes the routes when the session drops', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const s = await establish(h, '127.0.0.2', [...UNICAST, ADD_PATH_SEND])
    s.ctx = ADD_PATH_CTX
    const communities: PathAttribute[] = [
      { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 5 },
      { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['64500:1', '64500:2'] },
      { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['64500:1:2'] },
    ]
    s.send(
      v4update(
        [
          { prefix: '198.51.100.0/24', pathId: 1 },
          { prefix: '198.51.100.0/24', pathId: 2 },
        ],
        communities,
      ),
    )
    s.send(v6update([{ prefix: '2001:db8:100::/48', pathId: 7 }]))
    s.send(EOR_V4)
    s.send(EOR_V6)
    const peer = h.sessions.peer('127.0.0.2')!
    await h.until('End-of-RIB', () => peer.view().families['ipv6-unicast']?.endOfRibAt !== undefined)
    const route = {
      peer: '127.0.0.2',
      nextHop: ['192.0.2.1'],
      asPath: [64500, 64501],
      communities: ['64500:1', '64500:2'],
      largeCommunities: ['64500:1:2'],
      med: 5,
      stale: false,
    }
    expect(held(h.rib.exact('ipv4-unicast', '198.51.100.0/24'))).toEqual([
      { ...route, pathId: 1 },
      { ...route, pathId: 2 },
    ])
    expect(held(h.rib.exact('ipv6-unicast', '2001:db8:100::/48'))).toEqual([
      {
        peer: '127.0.0.2',
        pathId: 7,
        nextHop: ['2001:db8::1'],
        asPath: [64500, 64502],
        communities: [],
        largeCommunities: [],
        med: undefined,
        stale: false,
      },
    ])
    const v = peer.view()
    expect([v.state, v.asn, v.routerId, v.families, v.negotiated?.addPath]).toEqual([
      'Established',
      64500,
      '10.0.0.2',
      {
        'ipv4-unicast': { paths: 2, prefixes: 1, stale: 0, endOfRibAt: expect.any(Number) },
        'ipv6-unicast': { paths: 1, prefixes: 1, stale: 0, endOfRibAt: expect.any(Number) },
      },
      ['ipv4-unicast', 'ipv6-unicast'],
    ])

    s.send({
      type: 'UPDATE',
      withdrawn: [{ prefix: '198.51.100.0/24', pathId: 1 }],
      attributes: [],
      nlri: [],
    })
    await h.until('withdrawn', () => h.rib.count(h.rib.peer('127.0.0.2'), 'ipv4-unicast').paths === 1)
    expect(held(h.rib.exact('ipv4-unicast', '198.51.100.0/24'))).toEqual([{ ...route, pathId: 2 }])

    await s.close()
    await h.until('routes gone', () => h.rib.count(h.rib.peer('127.0.0.2')).paths === 0)
    await h.until('back in Active', () => peer.state === 'Active')
    expect(summary(h.events, '127.0.0.2')).toEqual([
      'Idle>Active',
      'received OPEN',
      'sent OPEN',
      'Active>OpenConfirm',
      'received KEEPALIVE',
      'OpenConfirm>Established connected',
      'received UPDATE',
      'received UPDATE',
      'received UPDATE',
      'received UPDATE',
      'received UPDATE',
      'Established>Idle down',
      'received UPDATE synthetic',
      'received UPDATE synthetic',
      'Idle>Active',
    ])
    // A received UPDATE's event: raw octets, and (decoded when first asked, from the fast path) message and routes.
    const first = h.events.find(
      (e) => e.type === 'message' && e.direction === 'received' && e.message?.type === 'UPDATE',
    )
    const copy = { ...first } as Extract<BusEvent, { type: 'message' }>
    expect([
      copy.raw.length,
      copy.problems,
      copy.routes?.attributes.communities,
      copy.routes?.attributes.largeCommunities,
      copy.routes?.announce.map((a) => a.nlri),
    ]).toEqual([
      first?.type === 'message' ? first.raw.length : 0,
      [],
      ['64500:1', '64500:2'],
      ['64500:1:2'],
      [
        [
          { prefix: '198.51.100.0/24', pathId: 1 },
          { prefix: '198.51.100.0/24', pathId: 2 },
        ],
      ],
    ])
    const synthetic = h.events.filter((e) => e.type === 'message' && e.synthetic)
    expect(synthetic.map((e) => (e.type === 'message' ? e.routes?.withdraw : undefined))).toEqual([
      [{ family: 'ipv4-unicast', afi: 1, safi: 1, nlri: [{ prefix: '198.51.100.0/24', pathId: 2 }] }],
      [{ family: 'ipv6-unicast', afi: 2, safi: 1, nlri: [{ prefix: '2001:db8:100::/48', pathId: 7 }] }],
    ])
    expect(h.logs.filter((l) => l.includes('info  session '))).toEqual([
      expect.stringMatching(/info {2}session peer=127\.0\.0\.2 from=OpenConfirm to=Established asn=64500$/),
      expect.stringMatching(
        /info {2}session peer=127\.0\.0\.2 from=Established to=Idle asn=64500 reason="connection closed by the peer"$/,
      ),
    ])
  })

  it('offers the families the peer offers when it speaks first, and every family when it does not (DelayOpen)', async () => {
    const clock = manualClock(Date.now())
    const all = allFamilies()
    const h = await start(
      [
        peerSettings({ address: '127.0.0.2', families: all }),
        peerSettings({ address: '127.0.0.3', families: all }),
      ],
      {
        clock,
      },
    )
    const offered = (m: BgpMessage) =>
      m.type === 'OPEN'
        ? openCapabilities(m)
            .filter((c) => c.name === 'MULTIPROTOCOL')
            .map((c) => c.value.family)
        : []
    const first = await speaker(h, '127.0.0.2')
    first.send(open(64500, '10.0.0.2', [mp(2, 1, 'ipv6-unicast'), mp(25, 70, 'l2vpn-evpn')]))
    const tailored = await first.next('OPEN')
    expect([offered(tailored), (tailored as OpenMessage).extendedParameters]).toEqual([
      ['ipv6-unicast', 'l2vpn-evpn'],
      undefined,
    ])
    const silent = await speaker(h, '127.0.0.3')
    await new Promise((r) => setTimeout(r, 50))
    expect(silent.received).toEqual([])
    clock.advance(5_000)
    const full = await silent.next('OPEN')
    expect([offered(full).length, (full as OpenMessage).extendedParameters]).toEqual([all.length, true])
  })

  it('refuses a wrong AS with OPEN error Bad Peer AS', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const s = await speaker(h, '127.0.0.2')
    s.send(open(64999, '10.0.0.2', UNICAST))
    expect(await s.next()).toMatchObject(notification(2, 2))
    await s.whenClosed
    expect(h.sessions.peer('127.0.0.2')!.view().lastError).toMatchObject({
      direction: 'sent',
      reason: 'AS 64999, expected 64500',
    })
  })

  it('expires the hold timer on the manual clock', async () => {
    const clock = manualClock(Date.now())
    const h = await start([peerSettings({ address: '127.0.0.2', holdTime: 30 })], { clock })
    const s = await establish(h, '127.0.0.2', UNICAST)
    clock.advance(29_000)
    s.send({ type: 'KEEPALIVE' })
    await new Promise((r) => setTimeout(r, 50))
    clock.advance(29_000)
    expect(h.sessions.peer('127.0.0.2')!.state).toBe('Established')
    clock.advance(1_000)
    expect(await s.next('NOTIFICATION')).toMatchObject(notification(4, 0))
    await s.whenClosed
    // We sent a KEEPALIVE every 10 s (a third of the hold time) besides the one answering the OPEN.
    expect(s.received.filter((m) => m.type === 'KEEPALIVE').length).toBe(6)
  })

  it('applies RFC 7606: treat-as-withdraw counted per reason, session reset with the attribute as data', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const s = await establish(h, '127.0.0.2', UNICAST)
    s.send(v4update([{ prefix: '203.0.113.0/24' }]))
    await h.until('announced', () => h.rib.exact('ipv4-unicast', '203.0.113.0/24') !== undefined)
    // The same prefix again with ORIGIN 5: an invalid ORIGIN is treat-as-withdraw (RFC 7606 §7.1).
    const { encodeMessage } = await import('../../collector/src/bgp/index.ts')
    const bad = encodeMessage(v4update([{ prefix: '203.0.113.0/24' }]), s.ctx)
    expect([bad[23], bad[24], bad[26]]).toEqual([0x40, 1, 0])
    bad[26] = 5
    s.sendRaw(bad)
    await h.until('treated as withdrawn', () => h.rib.exact('ipv4-unicast', '203.0.113.0/24') === undefined)
    const peer = h.sessions.peer('127.0.0.2')!
    expect(peer.view().counters.problems).toEqual({
      'treat-as-withdraw': { 'NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE': 1 },
    })
    // An unrecognized well-known attribute resets the session (RFC 4271 §6.3, RFC 7606 §3).
    s.send(
      v4update([{ prefix: '203.0.113.0/24' }], [{ code: 99, flags: 0x40, name: 'UNKNOWN', value: 'abcd' }]),
    )
    expect(await s.next('NOTIFICATION')).toMatchObject(notification(3, 2, '406302abcd'))
    await s.whenClosed
  })

  it('ends a peer over its limit with Cease / Maximum Number of Prefixes Reached and the RFC 4486 data', async () => {
    const h = await start([
      peerSettings({ address: '127.0.0.2', maxPrefixes: { total: 2, perFamily: new Map() } }),
    ])
    const s = await establish(h, '127.0.0.2', UNICAST)
    s.send(v4update([{ prefix: '203.0.113.0/24' }, { prefix: '203.0.113.128/25' }]))
    s.send(v4update([{ prefix: '198.51.100.0/24' }]))
    expect(await s.next('NOTIFICATION')).toMatchObject(notification(6, 1, '00010100000002'))
    await s.whenClosed
    await h.until('routes gone', () => h.rib.count(h.rib.peer('127.0.0.2')).paths === 0)
  })

  it('wraps max-prefix and shutdown Ceases in a Hard Reset when both sides set the N bit (RFC 8538 §5)', async () => {
    const h = await start([
      peerSettings({ address: '127.0.0.2', maxPrefixes: { total: 2, perFamily: new Map() } }),
      peerSettings({ address: '127.0.0.3' }),
    ])
    const s = await establish(h, '127.0.0.2', [...UNICAST, GR(60, true, true)])
    expect(h.sessions.peer('127.0.0.2')!.session?.gracefulRestart?.notification).toBe(true)
    s.send(v4update([{ prefix: '203.0.113.0/24' }, { prefix: '203.0.113.128/25' }]))
    s.send(v4update([{ prefix: '198.51.100.0/24' }]))
    expect(await s.next('NOTIFICATION')).toEqual({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 9,
      data: '060100010100000002',
      codeName: 'CEASE',
      subcodeName: 'HARD_RESET',
      hardReset: {
        code: 6,
        subcode: 1,
        data: '00010100000002',
        codeName: 'CEASE',
        subcodeName: 'MAXIMUM_NUMBER_OF_PREFIXES_REACHED',
      },
    })
    await s.whenClosed
    // A Hard Reset keeps nothing stale, though graceful restart covers IPv4 (RFC 8538 §4).
    await h.until('routes gone', () => h.rib.count(h.rib.peer('127.0.0.2')).paths === 0)
    expect(h.sessions.peer('127.0.0.2')!.view().lastError).toMatchObject({
      direction: 'sent',
      reason: 'maximum prefixes: more than 2 paths (ipv4-unicast)',
      notification: { code: 6, subcode: 9 },
    })

    const t = await establish(h, '127.0.0.3', [...UNICAST, GR(60, true, true)])
    await h.sessions.stop('maintenance')
    const text = Buffer.from('maintenance').toString('hex')
    expect(await t.next('NOTIFICATION')).toMatchObject({
      code: 6,
      subcode: 9,
      data: `06020b${text}`,
      hardReset: { code: 6, subcode: 2, data: `0b${text}`, subcodeName: 'ADMINISTRATIVE_SHUTDOWN' },
    })
    await t.whenClosed
  })

  it('keeps a graceful-restart peer’s routes stale, sweeps them at End-of-RIB, and sends its End-of-RIBs', async () => {
    const clock = manualClock(Date.now())
    const h = await start([peerSettings({ address: '127.0.0.2' })], { clock })
    const s1 = await establish(h, '127.0.0.2', [...UNICAST, GR(60)])
    // RFC 4724 §4.1: our End-of-RIB for every family, our Adj-RIB-Out being empty.
    expect([await s1.next('UPDATE'), await s1.next('UPDATE')]).toEqual([
      { ...EOR_V4, endOfRib: 'ipv4-unicast' },
      { ...EOR_V6, endOfRib: 'ipv6-unicast' },
    ])
    s1.send(v4update([{ prefix: '203.0.113.0/24' }, { prefix: '198.51.100.0/24' }]))
    s1.send(v6update([{ prefix: '2001:db8:1::/48' }]))
    await h.until('announced', () => h.rib.count(h.rib.peer('127.0.0.2')).paths === 3)
    await s1.close()
    const peer = h.sessions.peer('127.0.0.2')!
    await h.until('stale', () => peer.view().families['ipv4-unicast']?.stale === 2)
    // IPv6 was not in the GR capability: gone. IPv4 is kept, stale.
    expect(held(h.rib.exact('ipv6-unicast', '2001:db8:1::/48'))).toEqual([])
    expect(held(h.rib.exact('ipv4-unicast', '203.0.113.0/24')).map((r) => r.stale)).toEqual([true])
    clock.advance(30_000)
    const s2 = await establish(h, '127.0.0.2', [...UNICAST, GR(60)])
    s2.send(v4update([{ prefix: '203.0.113.0/24' }]))
    await h.until('refreshed', () => held(h.rib.exact('ipv4-unicast', '203.0.113.0/24'))[0]?.stale === false)
    expect(held(h.rib.exact('ipv4-unicast', '198.51.100.0/24')).map((r) => r.stale)).toEqual([true])
    s2.send(EOR_V4)
    await h.until('swept', () => h.rib.exact('ipv4-unicast', '198.51.100.0/24') === undefined)
    expect(held(h.rib.exact('ipv4-unicast', '203.0.113.0/24')).map((r) => r.stale)).toEqual([false])
    // And when it does not come back within its restart time, the stale routes go.
    await s2.close()
    await h.until('stale again', () => peer.view().families['ipv4-unicast']?.stale === 1)
    clock.advance(59_000)
    expect(h.rib.count(h.rib.peer('127.0.0.2')).paths).toBe(1)
    clock.advance(1_000)
    expect(h.rib.count(h.rib.peer('127.0.0.2')).paths).toBe(0)
  })

  it('resolves collisions: an Established session stays, unless the peer restarts gracefully', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' }), peerSettings({ address: '127.0.0.3' })])
    const a1 = await establish(h, '127.0.0.2', UNICAST)
    const a2 = await speaker(h, '127.0.0.2')
    a2.send(open(64500, '10.0.0.2', UNICAST))
    expect(await a2.next()).toMatchObject(notification(6, 7))
    await a2.whenClosed
    expect(h.sessions.peer('127.0.0.2')!.state).toBe('Established')
    expect(a1.closed).toBe(false)

    const b1 = await establish(h, '127.0.0.3', [...UNICAST, GR(120)])
    b1.send(v4update([{ prefix: '203.0.113.0/24' }]))
    await h.until('announced', () => h.rib.count(h.rib.peer('127.0.0.3')).paths === 1)
    const b2 = await speaker(h, '127.0.0.3')
    b2.send(open(64500, '10.0.0.3', [...UNICAST, GR(120)]))
    expect(await b1.next('NOTIFICATION')).toMatchObject(notification(6, 7))
    await b2.next('OPEN')
    await b2.next('KEEPALIVE')
    b2.send({ type: 'KEEPALIVE' })
    const peer = h.sessions.peer('127.0.0.3')!
    await h.until(
      're-established',
      () => peer.state === 'Established' && peer.view().counters.establishedCount === 2,
    )
    expect(held(h.rib.exact('ipv4-unicast', '203.0.113.0/24')).map((r) => r.stale)).toEqual([true])
  })

  it('holds a second connection apart while DelayOpen waits, and keeps the one the peer speaks on', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const peer = h.sessions.peer('127.0.0.2')!
    // The first connection says nothing: the collector waits for its OPEN (DelayOpen, 5 s).
    const first = await speaker(h, '127.0.0.2')
    await h.until('first accepted', () => peer.view().remotePort === first.socket.localPort)
    const second = await speaker(h, '127.0.0.2')
    // (Before the fix the second connection got an FSM error and the first one was left open.)
    await h.until(
      'second connection handled',
      () => h.logs.some((l) => l.includes('second connection')) || second.received.length > 0,
    )
    expect([peer.state, first.closed, second.received]).toEqual(['Active', false, []])
    // The peer speaks on the newer one: the older goes with a collision Cease, the FSM carries on.
    second.send(open(64500, '10.0.0.2', UNICAST))
    expect(await first.next()).toEqual({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 7,
      data: '',
      codeName: 'CEASE',
      subcodeName: 'CONNECTION_COLLISION_RESOLUTION',
    })
    await first.whenClosed
    await second.next('OPEN')
    await second.next('KEEPALIVE')
    second.send({ type: 'KEEPALIVE' })
    await h.until('established', () => peer.state === 'Established')
    expect(summary(h.events, '127.0.0.2').filter((l) => l.includes('>'))).toEqual([
      'Idle>Active',
      'Active>OpenConfirm',
      'OpenConfirm>Established connected',
    ])
    const v = peer.view()
    expect([v.remotePort, v.counters.establishedCount, v.lastError, second.closed]).toEqual([
      second.socket.localPort,
      1,
      undefined,
      false,
    ])
    // The third connection comes while Established and gets the collision Cease; the session stays.
    const third = await speaker(h, '127.0.0.2')
    third.send(open(64500, '10.0.0.2', UNICAST))
    expect(await third.next()).toMatchObject(notification(6, 7))
    await third.whenClosed
    expect([peer.state, second.closed]).toEqual(['Established', false])
  })

  it('adopts the first connection when its OPEN comes first, then the newer one when that speaks too', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const peer = h.sessions.peer('127.0.0.2')!
    const first = await speaker(h, '127.0.0.2')
    await h.until('first accepted', () => peer.view().remotePort === first.socket.localPort)
    const second = await speaker(h, '127.0.0.2')
    await h.until(
      'second connection handled',
      () => h.logs.some((l) => l.includes('second connection')) || second.received.length > 0,
    )
    first.send(open(64500, '10.0.0.2', UNICAST))
    await first.next('OPEN')
    await first.next('KEEPALIVE')
    expect([peer.state, second.closed, second.received]).toEqual(['OpenConfirm', false, []])
    // RFC 4271 §6.8: an OPEN on the second connection in OpenConfirm is a collision; both came
    // from the peer, so the newer one wins and the older is closed with the collision Cease.
    second.send(open(64500, '10.0.0.2', UNICAST))
    expect(await first.next('NOTIFICATION')).toMatchObject(notification(6, 7))
    await first.whenClosed
    await second.next('OPEN')
    await second.next('KEEPALIVE')
    second.send({ type: 'KEEPALIVE' })
    await h.until('established', () => peer.state === 'Established')
    expect(peer.view().remotePort).toBe(second.socket.localPort)
  })

  it('answers an enhanced route refresh with BoRR and EoRR, and asks for one when told to', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const rr: Capability[] = [
      { code: 2, name: 'ROUTE_REFRESH', value: true },
      { code: 70, name: 'ENHANCED_ROUTE_REFRESH', value: true },
    ]
    const s = await establish(h, '127.0.0.2', [...UNICAST, ...rr])
    s.send({ type: 'ROUTE_REFRESH', afi: 1, safi: 1, family: 'ipv4-unicast', subtype: 0 })
    const refresh = (subtype: number, subtypeName: string): BgpMessage => ({
      type: 'ROUTE_REFRESH',
      afi: 1,
      safi: 1,
      family: 'ipv4-unicast',
      subtype,
      subtypeName: subtypeName as 'REFRESH',
    })
    expect([await s.next('ROUTE_REFRESH'), await s.next('ROUTE_REFRESH')]).toEqual([
      refresh(1, 'BORR'),
      refresh(2, 'EORR'),
    ])
    expect(h.sessions.peer('127.0.0.2')!.requestRefresh('ipv4-unicast')).toBe(true)
    expect(await s.next('ROUTE_REFRESH')).toEqual(refresh(0, 'REFRESH'))
  })

  it('shuts down with Cease / Administrative Shutdown and an RFC 9003 message', async () => {
    const h = await start([peerSettings({ address: '127.0.0.2' })])
    const s = await establish(h, '127.0.0.2', UNICAST)
    await h.sessions.stop('maintenance: back at 10:00')
    expect(await s.next('NOTIFICATION')).toMatchObject({
      ...notification(6, 2, `1a${Buffer.from('maintenance: back at 10:00').toString('hex')}`),
      shutdownMessage: 'maintenance: back at 10:00',
    })
    await s.whenClosed
  })

  it('listens on IPv6 and takes peers from a prefix range with any AS', async () => {
    const h = await start([peerSettings({ prefix: '::1/128', asn: 'any' })], { host: '::1' })
    const s = await ScriptedSpeaker.connect(h.port, '::1', '::1')
    speakers.push(s)
    s.send(open(4_200_000_001, '10.9.9.9', UNICAST))
    await s.next('OPEN')
    await s.next('KEEPALIVE')
    s.send({ type: 'KEEPALIVE' })
    await h.until('established', () => h.sessions.peer('::1')?.state === 'Established')
    expect(h.sessions.peer('::1')!.view()).toMatchObject({
      address: '::1',
      asn: 4_200_000_001,
      configuredAsn: 'any',
      matchedPrefix: '::1/128',
    })
  })
})
