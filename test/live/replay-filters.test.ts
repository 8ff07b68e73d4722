// Every filter kind, fed by `routelake replay`: a RIPE RIS updates file (2007,
// 18 peers, IPv4 and IPv6) replayed as one BGP session per MRT peer into the
// collector, with a WebSocket client per filter (and an HTTP stream). Each
// client's count of UPDATEs, per peer, must equal an independent count made
// here from the same file with the MRT reader: prefixes compared with
// node:net's BlockList, AS paths with a small matcher of this file's own —
// nothing of the live feed's filter code.

import { BlockList, isIPv6 } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  decodeMessage,
  flattenPath,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { messageContext, readMrt } from '../../collector/src/mrt/index.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import {
  eventually,
  type LiveCollector,
  RisClient,
  routelake,
  StreamClient,
  startLiveCollector,
  stopChild,
} from './harness.ts'

const testdata = requireTestdata('live: filters fed by routelake replay')
const FILE = join(testdata ?? '', 'mrt/bgpdump/updates.20071015.1505.gz')
/** The replay's first session; each next MRT peer (in order of first appearance) takes the next address. */
const BASE = [127, 0, 0, 100] as const

function sessionAddress(i: number): string {
  return `${BASE[0]}.${BASE[1]}.${BASE[2]}.${BASE[3] + i}`
}

/** One UPDATE of the file, as the live feed will see it. */
interface Facts {
  readonly peer: string
  readonly prefixes: readonly string[]
  readonly announces: boolean
  readonly withdraws: boolean
  /** The effective AS path of an UPDATE that announces (RIS shows none otherwise). */
  readonly path: readonly number[]
  readonly med: boolean
  readonly community: boolean
}

/** The file's UPDATEs, and how many sessions the replay opens (one per peer with a message). */
async function readFacts(): Promise<{ facts: Facts[]; sessions: number }> {
  const order = new Map<string, number>()
  const out: Facts[] = []
  for await (const rec of readMrt(FILE)) {
    const b = rec.body
    if (b?.kind !== 'BGP4MP_MESSAGE' || b.message.local) continue
    const m = b.message
    const mrtPeer = formatIP(m.peerAddress, 0, m.peerAddress.length as 4 | 16)
    if (!order.has(mrtPeer)) order.set(mrtPeer, order.size)
    if (m.message[18] !== 2) continue
    const ctx = messageContext(m.as4, m.addPath)
    const d = decodeMessage(m.message, ctx)
    const r = updateRoutes(d.message as UpdateMessage, d.problems, ctx)
    const unicast = (f: { family: string }) => f.family === 'ipv4-unicast' || f.family === 'ipv6-unicast'
    const ann = r.announce.filter(unicast).flatMap((f) => f.nlri.map((n) => (n as { prefix: string }).prefix))
    const wd = r.withdraw.filter(unicast).flatMap((f) => f.nlri.map((n) => (n as { prefix: string }).prefix))
    const path = ann.length ? flattenPath(r.attributes.asPath) : []
    out.push({
      peer: sessionAddress(order.get(mrtPeer)!),
      prefixes: [...ann, ...wd],
      announces: ann.length > 0,
      withdraws: wd.length > 0,
      path: path.map((x) => {
        if (typeof x !== 'number') throw new Error('this file has no AS_SET; the matcher below knows none')
        return x
      }),
      med: ann.length > 0 && r.attributes.med !== undefined,
      community: ann.length > 0 && r.attributes.communities.length > 0,
    })
  }
  return { facts: out, sessions: order.size }
}

// --- the independent matchers ----------------------------------------------------------

function split(cidr: string): { address: string; length: number; family: 'ipv4' | 'ipv6' } {
  const [address, length] = cidr.split('/')
  return { address: address!, length: Number(length), family: isIPv6(address!) ? 'ipv6' : 'ipv4' }
}

const blocks = new Map<string, BlockList>()

function contains(outer: string, inner: string): boolean {
  const o = split(outer)
  const i = split(inner)
  if (o.family !== i.family || i.length < o.length) return false
  let list = blocks.get(outer)
  if (!list) {
    list = new BlockList()
    list.addSubnet(o.address, o.length, o.family)
    blocks.set(outer, list)
  }
  return list.check(i.address, i.family)
}

interface PrefixSub {
  readonly prefix: string
  readonly moreSpecific?: boolean
  readonly lessSpecific?: boolean
}

function prefixMatch(s: PrefixSub, p: string): boolean {
  const more = s.moreSpecific ?? true
  const less = s.lessSpecific ?? false
  const exact = contains(s.prefix, p) && contains(p, s.prefix)
  return exact || (more && contains(s.prefix, p)) || (less && contains(p, s.prefix))
}

/** "^a,b,c$" with optional ^, $ and a leading ! over a path of plain ASNs. */
function pathMatch(pattern: string | number, path: readonly number[]): boolean {
  if (!path.length) return false
  let p = String(pattern)
  const not = p.startsWith('!')
  if (not) p = p.slice(1)
  const start = p.startsWith('^')
  const end = p.endsWith('$')
  const asns = p.replace(/^\^/, '').replace(/\$$/, '').split(',').map(Number)
  let found = false
  for (let i = 0; i + asns.length <= path.length && !found; i++) {
    if (start && i !== 0) break
    if (end && i + asns.length !== path.length) continue
    found = asns.every((a, k) => path[i + k] === a)
  }
  return found !== not
}

type Sub = Record<string, unknown> | null

function subMatch(s: Sub, f: Facts, host: string): boolean {
  if (!s) return true
  if (s.type !== undefined && s.type !== 'UPDATE') return false
  if (s.host !== undefined && s.host !== host) return false
  if (s.peer !== undefined && (s.peer as string).replace(/^::ffff:/i, '') !== f.peer) return false
  if (s.path !== undefined && !pathMatch(s.path as string, f.path)) return false
  if (s.require === 'withdrawals' && !f.withdraws) return false
  if (s.require === 'announcements' && !f.announces) return false
  if (s.require === 'med' && !f.med) return false
  if (s.require === 'community' && !f.community) return false
  if (s.prefix !== undefined) {
    const list = Array.isArray(s.prefix) ? (s.prefix as string[]) : [s.prefix as string]
    const any = list.some((prefix) =>
      f.prefixes.some((p) => prefixMatch({ ...(s as object), prefix } as PrefixSub, p)),
    )
    if (!any) return false
  }
  return true
}

/** UPDATEs per peer that any of the subscriptions matches. */
function expectedCounts(facts: readonly Facts[], subs: readonly Sub[], host: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const f of facts) if (subs.some((s) => subMatch(s, f, host))) out[f.peer] = (out[f.peer] ?? 0) + 1
  return out
}

function countsOf(list: Record<string, unknown>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const d of list) out[d.peer as string] = (out[d.peer as string] ?? 0) + 1
  return out
}

// --- the filters -------------------------------------------------------------------------

const BUSY_PEER = sessionAddress(9) // 168.209.255.2 in the file, AS 3741

/** [name, subscriptions (OR-ed), whether the file must give it something]. */
const FILTERS: [string, Sub[], boolean][] = [
  ['everything', [null], true],
  ['type UPDATE', [{ type: 'UPDATE' }], true],
  ['peer', [{ peer: BUSY_PEER, type: 'UPDATE' }], true],
  ['peer in IPv4-mapped IPv6 form', [{ peer: `::ffff:${sessionAddress(2)}`, type: 'UPDATE' }], true],
  ['prefix v4, more-specific by default', [{ prefix: '85.187.0.0/16' }], true],
  ['prefix v4 exact', [{ prefix: '85.187.144.0/23', moreSpecific: false }], true],
  [
    'prefix v4 less-specific only',
    [{ prefix: '85.187.145.0/24', moreSpecific: false, lessSpecific: true }],
    true,
  ],
  ['prefix v4 less- and more-specific', [{ prefix: '77.35.0.0/20', lessSpecific: true }], true],
  ['prefix v4 matching nothing', [{ prefix: '10.0.0.0/8' }], false],
  ['prefix array', [{ prefix: ['203.0.0.0/8', '216.11.0.0/16'] }], true],
  ['prefix v6, more-specific', [{ prefix: '2001::/16' }], true],
  ['prefix v6 exact', [{ prefix: '2001:a80::/32', moreSpecific: false }], true],
  [
    'prefix v6 less-specific only',
    [{ prefix: '2a01:3f8:1::/48', moreSpecific: false, lessSpecific: true }],
    true,
  ],
  ['path origin', [{ path: '31083$' }], true],
  ['path first AS', [{ path: '^3549' }], true],
  ['path unanchored run', [{ path: '174,1239' }], true],
  ['path anchored at both ends', [{ path: '^4608,7474,7473,209,13638$' }], true],
  ['path anchored at both ends, not the whole path', [{ path: '^4608,7474,7473$' }], false],
  ['path inverted origin', [{ path: '!31083$' }], true],
  ['path inverted first AS', [{ path: '!^3741' }], true],
  ['path as a number', [{ path: 7474 }], true],
  ['require withdrawals', [{ require: 'withdrawals' }], true],
  ['require announcements', [{ require: 'announcements' }], true],
  ['require med', [{ require: 'med' }], true],
  ['require community', [{ require: 'community' }], true],
  ['host', [{ host: 'rl-live', type: 'UPDATE' }], true],
  ['another host', [{ host: 'rrc00' }], false],
  ['peer and path', [{ peer: BUSY_PEER, path: '174,2914' }], true],
  ['two subscriptions OR-ed', [{ path: '31083$' }, { prefix: '85.187.0.0/16' }], true],
]

const STREAM_FILTERS: [string, Sub, boolean][] = [
  ['stream everything', null, true],
  ['stream path unanchored run', { path: '174,2914' }, true],
  ['stream prefix v6 more-specific', { prefix: '2a01::/16' }, true],
]

describe.runIf(testdata)('live filters fed by routelake replay: exact counts from the MRT file', () => {
  let lc: LiveCollector
  let facts: Facts[]
  let sessions: number
  const ws = new Map<string, RisClient>()
  const streams = new Map<string, StreamClient>()
  let feeder: ReturnType<typeof routelake> | undefined

  beforeAll(async () => {
    ;({ facts, sessions } = await readFacts())
    lc = await startLiveCollector({ live: { maxConnectionsPerAddress: 100 } })
    for (const [name, subs] of FILTERS) {
      const c = await RisClient.connect(lc.ws())
      c.send('ris_subscribe', { socketOptions: { acknowledge: true } })
      await c.until(() => c.of('ris_subscribe_ok').length === 1)
      c.send('ris_unsubscribe', {})
      for (const s of subs) await c.subscribe(s)
      ws.set(name, c)
    }
    for (const [name, sub] of STREAM_FILTERS) {
      streams.set(name, new StreamClient(lc.http('/v1/stream/?format=json&client=replay'), sub ?? undefined))
    }
    await eventually(() => [...streams.values()].every((s) => s.status === 200), 5000, 'the streams')
    feeder = routelake([
      'replay',
      FILE,
      '--connect',
      `127.0.0.1:${lc.bgpPort}`,
      '--local-as',
      '65100',
      '--peer',
      'all',
      '--local-address',
      sessionAddress(0),
      '--as-fast-as-possible',
    ])
    await eventually(
      () => (feeder!.output().match(/replayed session=/g) ?? []).length === sessions,
      90_000,
      'the replay',
    )
    const everything = ws.get('everything')!
    await everything.until(() => everything.data('UPDATE').length >= facts.length, 60_000)
    await lc.collector.live!.drainedQueue()
    // Anything late or extra would have arrived by now.
    await new Promise((r) => setTimeout(r, 500))
  }, 180_000)

  afterAll(async () => {
    if (feeder) await stopChild(feeder)
    for (const c of ws.values()) c.ws.terminate()
    for (const s of streams.values()) s.close()
    await lc?.stop()
  })

  it('the file: 18 peers (14 with UPDATEs), 4222 UPDATEs, IPv4 and IPv6', () => {
    expect(sessions).toBe(18)
    expect(new Set(facts.map((f) => f.peer)).size).toBe(14)
    expect(facts.length).toBe(4222)
    expect(facts.some((f) => f.prefixes.some((p) => p.includes(':')))).toBe(true)
  })

  it.each(FILTERS)('WebSocket: %s', (name, subs, nonEmpty) => {
    const want = expectedCounts(facts, subs, lc.host)
    const total = Object.values(want).reduce((a, b) => a + b, 0)
    expect(total > 0).toBe(nonEmpty)
    const c = ws.get(name)!
    expect(countsOf(c.data('UPDATE'))).toEqual(want)
    expect(c.of('ris_error')).toEqual([])
  })

  it.each(STREAM_FILTERS)('HTTP stream: %s', (name, sub, nonEmpty) => {
    const want = expectedCounts(facts, [sub], lc.host)
    expect(Object.keys(want).length > 0).toBe(nonEmpty)
    expect(countsOf(streams.get(name)!.data('UPDATE'))).toEqual(want)
  })

  it('nothing was dropped or cut off on the way', () => {
    const st = lc.collector.live!.stats()
    expect([st.queue.dropped, st.slowConsumers, st.dropClosures]).toEqual([0, 0, 0])
  })
})
