// Every subscription field against crafted UPDATEs from two real BGP sessions,
// through real WebSocket clients and HTTP streams: each client must get
// exactly the messages its filter names, in order, once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { CRAFTED, craftedOctets, establish, labelOf, PEER_A, PEER_B } from './feed.ts'
import { eventually, type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

type Sub = Record<string, unknown> | null

/** [name, subscription(s), the UPDATEs it must get]. */
const UPDATE_FILTERS: [string, Sub[], string[]][] = [
  ['everything', [null], ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8']],
  ['prefix v4, more-specific by default', [{ prefix: '192.0.2.0/24' }], ['M1', 'M2', 'M3']],
  ['prefix v4 exact', [{ prefix: '192.0.2.0/24', moreSpecific: false }], ['M1', 'M3']],
  [
    'prefix v4 less-specific',
    [{ prefix: '192.0.2.128/25', moreSpecific: false, lessSpecific: true }],
    ['M1', 'M2', 'M3'],
  ],
  ['prefix v4 with host bits, masked', [{ prefix: '192.0.2.77/24', moreSpecific: false }], ['M1', 'M3']],
  ['prefix v4 matching nothing', [{ prefix: '192.0.0.0/16', moreSpecific: false }], []],
  ['prefix v6, more-specific', [{ prefix: '2001:db8::/32' }], ['M4', 'M5', 'M8']],
  [
    'prefix v6 less-specific only',
    [{ prefix: '2001:db8:100::/48', moreSpecific: false, lessSpecific: true }],
    ['M4', 'M8'],
  ],
  ['prefix v6 more-specific only', [{ prefix: '2001:DB8:100:0::/48' }], ['M5']],
  ['prefix array', [{ prefix: ['203.0.113.0/24', '10.0.0.0/8'] }], ['M6', 'M7']],
  ['path origin 789$', [{ path: '789$' }], ['M1', 'M2', 'M8']],
  ['path ^64511,123', [{ path: '^64511,123' }], ['M1', 'M4']],
  ['path unanchored run 123,456', [{ path: '123,456' }], ['M1', 'M4', 'M7']],
  ['path !6666$', [{ path: '!6666$' }], ['M1', 'M2', 'M4', 'M8']],
  ['path ending in an AS_SET', [{ path: '789,[789,10111]$' }], ['M4']],
  ['path set written in any order', [{ path: '[10111,789]$' }], ['M4']],
  ['path as a number', [{ path: 3333 }], ['M2']],
  ['path !^64512 (not from B)', [{ path: '!^64512' }], ['M1', 'M2', 'M4']],
  ['peer B', [{ peer: PEER_B.address, type: 'UPDATE' }], ['M6', 'M7', 'M8']],
  [
    'peer in IPv4-mapped form',
    [{ peer: '::FFFF:127.0.0.11', type: 'UPDATE' }],
    ['M1', 'M2', 'M3', 'M4', 'M5'],
  ],
  ['require withdrawals', [{ require: 'withdrawals' }], ['M3', 'M5']],
  ['require announcements', [{ require: 'announcements' }], ['M1', 'M2', 'M4', 'M6', 'M7', 'M8']],
  ['require med', [{ require: 'med' }], ['M1']],
  ['host', [{ host: 'rl-live', type: 'UPDATE' }], ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8']],
  [
    'host with the domain',
    [{ host: 'RL-LIVE.example.net', type: 'UPDATE' }],
    ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8'],
  ],
  ['another host', [{ host: 'rrc21' }], []],
  [
    'every field at once',
    [
      {
        peer: PEER_A.address,
        path: '789$',
        prefix: '192.0.2.0/24',
        type: 'UPDATE',
        require: 'community',
        host: 'rl-live',
      },
    ],
    ['M1'],
  ],
  [
    'two subscriptions OR-ed, no duplicates',
    [{ prefix: '203.0.113.0/24' }, { path: '^64511,123' }, { prefix: '192.0.2.0/24' }],
    ['M1', 'M2', 'M3', 'M4', 'M6'],
  ],
]

const STREAM_FILTERS: [string, Sub, string[]][] = [
  ['stream everything', null, ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8']],
  [
    'stream prefix v6 less-specific',
    { prefix: '2001:db8:100::/48', moreSpecific: false, lessSpecific: true },
    ['M4', 'M8'],
  ],
  ['stream path !6666$', { path: '!6666$' }, ['M1', 'M2', 'M4', 'M8']],
]

describe('live feed filters', () => {
  let lc: LiveCollector
  const ws = new Map<string, RisClient>()
  const streams = new Map<string, StreamClient>()
  let raw: RisClient
  let all: RisClient
  let types: RisClient
  let peerA: ScriptedSpeaker
  let peerB: ScriptedSpeaker
  let t0: number

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { domain: 'example.net', maxConnectionsPerAddress: 100 } })
    for (const [name, subs] of UPDATE_FILTERS) {
      const c = await RisClient.connect(lc.ws())
      c.send('ris_subscribe', { socketOptions: { acknowledge: true } })
      await c.until(() => c.of('ris_subscribe_ok').length === 1)
      c.send('ris_unsubscribe', {})
      for (const s of subs) await c.subscribe(s)
      ws.set(name, c)
    }
    for (const [name, sub] of STREAM_FILTERS) {
      const s = new StreamClient(lc.http('/v1/stream/?format=json&client=tests'), sub ?? undefined)
      streams.set(name, s)
    }
    raw = await RisClient.connect(lc.ws())
    await raw.subscribe({ type: 'UPDATE', socketOptions: { includeRaw: true, acknowledge: true } })
    all = await RisClient.connect(lc.ws())
    await all.subscribe({ type: 'UPDATE', socketOptions: { includeAll: true, acknowledge: true } })
    types = await RisClient.connect(lc.ws())
    await types.subscribe({ socketOptions: { acknowledge: true } })
    await eventually(() => [...streams.values()].every((s) => s.status === 200), 5000, 'streams')
    t0 = Date.now() / 1000
    peerA = await establish(lc.bgpPort, PEER_A)
    peerB = await establish(lc.bgpPort, PEER_B)
    const everything = ws.get('everything')!
    await everything.until(() => everything.data('RIS_PEER_STATE').length === 2)
    for (const c of CRAFTED.filter((x) => x.peer === 'A')) peerA.send(c.message)
    await everything.until(() => everything.data('UPDATE').length === 5)
    for (const c of CRAFTED.filter((x) => x.peer === 'B')) peerB.send(c.message)
    await everything.until(() => everything.data('UPDATE').length === 8)
    for (const [name, , want] of UPDATE_FILTERS) {
      const c = ws.get(name)!
      await c.until(() => c.data('UPDATE').length >= want.length)
    }
    for (const [name, , want] of STREAM_FILTERS) {
      const s = streams.get(name)!
      await s.until(() => s.data('UPDATE').length >= want.length)
    }
    await raw.until(() => raw.data('UPDATE').length === 8)
    await all.until(() => all.data('UPDATE').length === 8)
    // Anything extra would have arrived by now.
    await new Promise((r) => setTimeout(r, 300))
  })

  afterAll(async () => {
    for (const c of ws.values()) c.ws.terminate()
    for (const s of streams.values()) s.close()
    for (const c of [raw, all, types]) c?.ws.terminate()
    await peerA?.close()
    await peerB?.close()
    await lc?.stop()
  })

  it.each(UPDATE_FILTERS)('WebSocket: %s', (name, _subs, want) => {
    const c = ws.get(name)!
    expect(c.data('UPDATE').map(labelOf)).toEqual(want)
    expect(c.of('ris_error')).toEqual([])
  })

  it.each(STREAM_FILTERS)('HTTP stream: %s', (name, _sub, want) => {
    const s = streams.get(name)!
    expect(s.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    expect(s.data('UPDATE').map(labelOf)).toEqual(want)
  })

  it('writes an IPv4 UPDATE as RIS Live does', () => {
    const d = ws.get('everything')!.data('UPDATE')[0]!
    expect(d).toEqual({
      timestamp: expect.any(Number),
      peer: '127.0.0.11',
      peer_asn: '64511',
      id: expect.stringMatching(/^127\.0\.0\.11-[0-9a-f]{16}$/),
      host: 'rl-live',
      type: 'UPDATE',
      path: [64511, 123, 456, 789],
      community: [
        [64511, 1],
        [65535, 65281],
      ],
      origin: 'igp',
      med: 10,
      aggregator: '789:192.0.2.9',
      announcements: [{ next_hop: '127.0.0.11', prefixes: ['192.0.2.0/24', '198.51.100.0/24'] }],
    })
    const ts = d.timestamp as number
    expect(ts).toBeGreaterThanOrEqual(Math.floor(t0))
    expect(ts).toBeLessThanOrEqual(Date.now() / 1000)
    // Millisecond precision.
    expect(Math.round(ts * 1000) / 1000).toBe(ts)
  })

  it('writes an IPv6 UPDATE with a link-local next hop and an AS_SET origin', () => {
    const d = ws.get('everything')!.data('UPDATE')[3]!
    const { timestamp: _t, id: _i, ...rest } = d
    expect(rest).toEqual({
      peer: '127.0.0.11',
      peer_asn: '64511',
      host: 'rl-live',
      type: 'UPDATE',
      path: [64511, 123, 456, 789, [10111, 789]],
      community: [[64511, 2]],
      origin: 'incomplete',
      announcements: [
        { next_hop: '2001:db8::11', prefixes: ['2001:db8:100::/40', '2001:db8:200::/40'] },
        { next_hop: 'fe80::11', prefixes: ['2001:db8:100::/40', '2001:db8:200::/40'] },
      ],
    })
  })

  it('writes withdraw-only UPDATEs with empty path, community and announcements', () => {
    const [m3, m5] = ws.get('require withdrawals')!.data('UPDATE')
    const strip = (d: Record<string, unknown>) => {
      const { timestamp: _t, id: _i, ...rest } = d
      return rest
    }
    expect(strip(m3!)).toEqual({
      peer: '127.0.0.11',
      peer_asn: '64511',
      host: 'rl-live',
      type: 'UPDATE',
      path: [],
      community: [],
      announcements: [],
      withdrawals: ['192.0.2.0/24'],
    })
    expect(strip(m5!)).toEqual({
      peer: '127.0.0.11',
      peer_asn: '64511',
      host: 'rl-live',
      type: 'UPDATE',
      path: [],
      community: [],
      announcements: [],
      withdrawals: ['2001:db8:100:1::/64'],
    })
  })

  it('gives ids unique and increasing per peer', () => {
    const ids = ws
      .get('everything')!
      .data()
      .map((d) => d.id as string)
    expect(new Set(ids).size).toBe(ids.length)
    for (const peer of [PEER_A.address, PEER_B.address]) {
      const seq = ids.filter((i) => i.startsWith(`${peer}-`)).map((i) => Number.parseInt(i.slice(-16), 16))
      expect(seq.length).toBeGreaterThan(0)
      expect([...seq].sort((a, b) => a - b)).toEqual(seq)
    }
  })

  it('includeRaw: the exact octets each peer sent, as upper-case hex', () => {
    expect(raw.data('UPDATE').map((d) => d.raw)).toEqual(
      CRAFTED.map((c) => Buffer.from(craftedOctets(c)).toString('hex').toUpperCase()),
    )
  })

  it('includeAll: every attribute and the routes of every family, in the codec JSON form', () => {
    const d = all.data('UPDATE')[0]!
    expect(d.local_pref).toBe(150)
    expect(d.large_community).toEqual([[64511, 1, 2]])
    expect(d.direction).toBeUndefined()
    expect(d.attributes).toEqual(CRAFTED[0]!.message.attributes)
    expect(d.routes).toEqual({
      announce: [
        {
          family: 'ipv4-unicast',
          next_hop: ['127.0.0.11'],
          nlri: [{ prefix: '192.0.2.0/24' }, { prefix: '198.51.100.0/24' }],
        },
      ],
      withdraw: [],
    })
    expect(all.data('UPDATE').map(labelOf)).toEqual(['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8'])
  })

  it('sends OPENs both ways, KEEPALIVEs and RIS_PEER_STATE', () => {
    const opens = types.data('OPEN')
    expect(opens.map((d) => [d.peer, d.direction])).toEqual([
      ['127.0.0.11', 'received'],
      ['127.0.0.11', 'sent'],
      ['127.0.0.12', 'received'],
      ['127.0.0.12', 'sent'],
    ])
    const { timestamp: _t, id: _i, ...received } = opens[0]!
    expect(received).toEqual({
      peer: '127.0.0.11',
      peer_asn: '64511',
      host: 'rl-live',
      type: 'OPEN',
      direction: 'received',
      version: 4,
      asn: 64511,
      hold_time: 90,
      router_id: '127.0.0.11',
      capabilities: {
        '1': { name: 'multiprotocol', families: ['ipv4/unicast', 'ipv6/unicast'] },
        '65': { name: 'asn4', asn4: 64511 },
      },
    })
    expect(types.data('RIS_PEER_STATE').map((d) => [d.peer, d.state])).toEqual([
      ['127.0.0.11', 'connected'],
      ['127.0.0.12', 'connected'],
    ])
    // The peers' KEEPALIVEs only (the ones we send are not RIS-visible).
    expect(types.data('KEEPALIVE').every((d) => d.peer === '127.0.0.11' || d.peer === '127.0.0.12')).toBe(
      true,
    )
    expect(types.data('KEEPALIVE').length).toBe(2)
  })
})
