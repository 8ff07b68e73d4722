// Every read route of the API against real data: a collector built by the
// composition root, fed a RIPE RIS updates file through 18 real BGP sessions
// (`routelake replay`) and a scripted speaker's VPN, EVPN and FlowSpec routes,
// storing into the embedded ClickHouse. Answers are compared with bgpdump's
// reading of the same file and checked against the routes' zod schemas
// (strict: the OpenAPI document says exactly what comes back).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type {
  LookupResponse,
  PeerRoutesResponse,
  RouteDto,
  SearchResponse,
} from '../../collector/src/api/index.ts'
import {
  CollectorSchema,
  ErrorSchema,
  HealthResponseSchema,
  LookupResponseSchema,
  MoasResponseSchema,
  OriginChangesResponseSchema,
  PeerRoutesResponseSchema,
  PeerSchema,
  PeersResponseSchema,
  PrefixHistoryResponseSchema,
  RibAtResponseSchema,
  SearchResponseSchema,
  StatsResponseSchema,
} from '../../collector/src/api/schemas.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { dtoText, type Fields, finalTable, replayedLines, routeText } from './expected.ts'
import { type ApiFixture, REPLAY_AS, SPEAKER, SPEAKER_AS, startApiFixture } from './fixture.ts'

const testdata = requireTestdata('api')
let f: ApiFixture
let lines: Fields[]
let table: Map<string, Fields>

beforeAll(async () => {
  if (!testdata) return
  f = await startApiFixture(testdata)
  lines = replayedLines(testdata, f.sessionOf)
  table = finalTable(lines)
}, 240_000)
afterAll(async () => {
  await f?.stop()
})

async function get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  const res = await f.collector.api.request(path)
  const body = await res.json()
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
  return schema.parse(body)
}

async function refused(path: string, init?: RequestInit): Promise<{ status: number; error: string }> {
  const res = await f.collector.api.request(path, init)
  return ErrorSchema.parse(await res.json())
}

/** The final table's routes for a prefix (or a filter), as text. */
function expectedRoutes(keep: (f: Fields) => boolean): string[] {
  return [...table.values()].filter(keep).map(routeText).sort()
}

const texts = (routes: readonly RouteDto[]) => routes.map(dtoText).sort()
const unicast = (routes: readonly RouteDto[]) => routes.filter((r) => r.peer !== SPEAKER)
const lastAs = (path: string) => path.split(' ').at(-1)!

/** Prefix order: address octets, then length (the RIB's walk order). */
function prefixOrder(a: string, b: string): number {
  const [x, xl] = a.split('/')
  const [y, yl] = b.split('/')
  const xs = x!.split('.').map(Number)
  const ys = y!.split('.').map(Number)
  for (let i = 0; i < 4; i++) if (xs[i] !== ys[i]) return xs[i]! - ys[i]!
  return Number(xl) - Number(yl)
}

function inside(prefix: string, net: string): boolean {
  const toInt = (p: string) =>
    p
      .split('/')[0]!
      .split('.')
      .reduce((n, o) => n * 256 + Number(o), 0)
  const len = Number(net.split('/')[1])
  const plen = Number(prefix.split('/')[1])
  if (prefix.includes(':') || plen < len) return false
  const mask = len === 0 ? 0 : 2 ** 32 - 2 ** (32 - len)
  return (toInt(prefix) & mask) >>> 0 === (toInt(net) & mask) >>> 0
}

describe.runIf(testdata)('the looking-glass API on a collector fed through real sessions', () => {
  it('GET /api/v1/collector: name, version, uptime, peers up, paths held', async () => {
    const c = await get('/api/v1/collector', CollectorSchema)
    const paths = table.size + 5
    expect({
      ...c,
      startedAt: undefined,
      uptime: undefined,
      messagesPerSecond: undefined,
      messagesReceived: undefined,
    }).toEqual({
      name: 'rl-api',
      version: 'Routelake 0.1.0',
      asn: 65000,
      routerId: '192.0.2.254',
      startedAt: undefined,
      uptime: undefined,
      peers: { up: 19, total: 19 },
      paths,
      prefixes: new Set([...table.values()].map((x) => x[5])).size + 5,
      families: c.families,
      messagesPerSecond: undefined,
      messagesReceived: undefined,
      storage: { enabled: true, connected: true },
    })
    expect(c.families.map((x) => x.family)).toEqual([
      'ipv4-unicast',
      'ipv4-vpn',
      'ipv4-flowspec',
      'ipv6-unicast',
      'l2vpn-evpn',
    ])
    expect(c.messagesReceived).toBeGreaterThanOrEqual(4226)
    expect(c.messagesPerSecond).toBeGreaterThanOrEqual(0)
  })

  it('GET /api/v1/peers: every session with state, AS, router id, capabilities and path counts', async () => {
    const { peers } = await get('/api/v1/peers', PeersResponseSchema)
    expect(peers.map((p) => p.address)).toEqual([SPEAKER, ...[...f.sessionOf.values()]])
    for (const p of peers)
      expect([p.state, p.uptime! >= 0, p.capabilities.received.length > 0]).toEqual([
        'established',
        true,
        true,
      ])
    const perPeer = new Map<string, number>()
    for (const x of table.values()) perPeer.set(x[3]!, (perPeer.get(x[3]!) ?? 0) + 1)
    const counted = (p: (typeof peers)[number]) => Object.values(p.families).reduce((n, x) => n + x.paths, 0)
    expect(new Map(peers.filter((p) => p.address !== SPEAKER).map((p) => [p.address, counted(p)]))).toEqual(
      new Map([...f.sessionOf.values()].map((a) => [a, perPeer.get(a) ?? 0])),
    )
    const speaker = peers[0]!
    expect([speaker.asn, speaker.routerId, speaker.families]).toEqual([
      SPEAKER_AS,
      '10.0.0.20',
      {
        'ipv4-unicast': { paths: 2, prefixes: 2, stale: 0 },
        'ipv4-vpn': { paths: 1, prefixes: 1, stale: 0 },
        'ipv4-flowspec': { paths: 1, prefixes: 1, stale: 0 },
        'l2vpn-evpn': { paths: 1, prefixes: 1, stale: 0 },
      },
    ])
  })

  it('GET /api/v1/peers/{peer}: one peer; 404 for another address, 400 for no address', async () => {
    const p = await get(`/api/v1/peers/${SPEAKER}`, PeerSchema)
    expect([p.address, p.asn, p.state, p.counters.messagesReceived.UPDATE]).toEqual([
      SPEAKER,
      SPEAKER_AS,
      'established',
      4,
    ])
    expect(await refused('/api/v1/peers/192.0.2.99')).toEqual({
      status: 404,
      error: 'peer: no peer 192.0.2.99',
    })
    expect(await refused('/api/v1/peers/not-an-address')).toEqual({
      status: 400,
      error: "peer: 'not-an-address' is not an IPv4 or IPv6 address",
    })
  })

  it("GET /api/v1/peers/{peer}/routes: a peer's whole table by cursor, each route once, with age", async () => {
    const peer = f.sessionOf.get('193.0.0.56')!
    const got: RouteDto[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page: PeerRoutesResponse = await get(
        `/api/v1/peers/${peer}/routes?family=ipv4-unicast&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        PeerRoutesResponseSchema,
      )
      got.push(...page.routes)
      cursor = page.cursor
      pages++
    } while (cursor)
    const expected = expectedRoutes((x) => x[3] === peer)
    expect(texts(got)).toEqual(expected)
    expect(pages).toBe(Math.floor(expected.length / 100) + 1)
    // Storage knows when each path was announced: within the fixture's run.
    for (const r of got) {
      expect([
        r.age! >= 0,
        Date.parse(r.since!) >= f.started - 1000,
        Date.parse(r.since!) <= f.loaded,
      ]).toEqual([true, true, true])
    }
    expect(await refused(`/api/v1/peers/${peer}/routes?cursor=bogus`)).toEqual({
      status: 400,
      error: 'cursor: not a listing cursor',
    })
    expect(await refused(`/api/v1/peers/${peer}/routes?family=ipv9-unicast`)).toEqual({
      status: 400,
      error: expect.stringMatching(/^family: unknown family 'ipv9-unicast'/),
    })
    expect(await refused(`/api/v1/peers/${peer}/routes?limit=5001`)).toEqual({
      status: 400,
      error: 'limit: 5001 is over the limit of 5000 (api-max-results)',
    })
  })

  it('GET /api/v1/lookup match=exact: every peer’s path for a prefix, with attributes, path id and age', async () => {
    const r: LookupResponse = await get('/api/v1/lookup?prefix=195.251.5.0/24', LookupResponseSchema)
    expect([r.family, r.match, r.prefix, r.entries.length, r.cursor]).toEqual([
      'ipv4-unicast',
      'exact',
      '195.251.5.0/24',
      1,
      undefined,
    ])
    const routes = r.entries[0]!.routes
    expect(texts(routes)).toEqual(expectedRoutes((x) => x[5] === '195.251.5.0/24'))
    expect(routes.length).toBe(11)
    for (const x of routes)
      expect([x.peerAsn, x.pathId, x.family, typeof x.age, x.stale]).toEqual([
        REPLAY_AS,
        undefined,
        'ipv4-unicast',
        'number',
        false,
      ])
    // Host bits are cleared; one peer only; a prefix nobody has.
    const one = await get(
      `/api/v1/lookup?prefix=195.251.5.7/24&peer=${routes[0]!.peer}&age=false`,
      LookupResponseSchema,
    )
    expect(one.entries.map((e) => e.routes.map(dtoText))).toEqual([[dtoText(routes[0]!)]])
    expect(one.entries[0]!.routes[0]!.age).toBeUndefined()
    expect((await get('/api/v1/lookup?prefix=192.0.2.0/24', LookupResponseSchema)).entries).toEqual([])
  })

  it('GET /api/v1/lookup match=longest, less and more', async () => {
    const net = '66.128.208.0/20'
    const subs = [
      ...new Set([...table.values()].map((x) => x[5]!).filter((p) => p !== net && inside(p, net))),
    ].sort(prefixOrder)
    const sub = subs[0]!
    const address = sub.split('/')[0]!.replace(/\.0$/, '.1')
    const longest = await get(`/api/v1/lookup?address=${address}`, LookupResponseSchema)
    expect([longest.match, longest.prefix, longest.entries.map((e) => e.prefix)]).toEqual([
      'longest',
      `${address}/32`,
      [sub],
    ])
    expect(texts(longest.entries[0]!.routes)).toEqual(expectedRoutes((x) => x[5] === sub))

    const less = await get(`/api/v1/lookup?prefix=${sub}&match=less`, LookupResponseSchema)
    const covering = [...new Set([...table.values()].map((x) => x[5]!).filter((p) => inside(sub, p)))].sort(
      (a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]),
    )
    expect(less.entries.map((e) => e.prefix)).toEqual(covering)

    const more = await get(`/api/v1/lookup?prefix=${net}&match=more`, LookupResponseSchema)
    expect(more.entries.map((e) => e.prefix)).toEqual([net, ...subs].sort(prefixOrder))
    expect(texts(more.entries.flatMap((e) => e.routes))).toEqual(expectedRoutes((x) => inside(x[5]!, net)))
  })

  it('GET /api/v1/lookup match=more of a /8, a page at a time by cursor', async () => {
    const in202 = [
      ...new Set([...table.values()].map((x) => x[5]!).filter((p) => inside(p, '202.0.0.0/8'))),
    ].sort(prefixOrder)
    expect(in202.length).toBeGreaterThan(150)
    for (const limit of [1, 7, 50]) {
      const seen: string[] = []
      const routes: RouteDto[] = []
      let cursor: string | undefined
      do {
        const page = await get(
          `/api/v1/lookup?prefix=202.0.0.0/8&match=more&limit=${limit}&age=false${cursor ? `&cursor=${cursor}` : ''}`,
          LookupResponseSchema,
        )
        expect(page.entries.length).toBeLessThanOrEqual(limit)
        seen.push(...page.entries.map((e) => e.prefix!))
        routes.push(...page.entries.flatMap((e) => e.routes))
        cursor = page.cursor
      } while (cursor)
      expect([limit, seen]).toEqual([limit, in202])
      expect(texts(routes)).toEqual(expectedRoutes((x) => inside(x[5]!, '202.0.0.0/8')))
    }
    // A cursor from another range is refused.
    const first = await get(
      '/api/v1/lookup?prefix=202.0.0.0/8&match=more&limit=1&age=false',
      LookupResponseSchema,
    )
    expect(await refused(`/api/v1/lookup?prefix=203.0.0.0/8&match=more&cursor=${first.cursor}`)).toEqual({
      status: 400,
      error: 'cursor: not a cursor this request gave out (pass back `cursor` as it came)',
    })
  })

  it('GET /api/v1/lookup: VPN (with rd), IPv6, and 400 with the reason for bad input', async () => {
    const vpn = await get(
      '/api/v1/lookup?prefix=10.20.0.0/24&family=ipv4-vpn&rd=65020:7',
      LookupResponseSchema,
    )
    expect(
      vpn.entries.map((e) => [
        e.key,
        e.routes.map((r) => [r.peer, r.rd, r.nlri, r.extendedCommunities, r.nextHop]),
      ]),
    ).toEqual([
      [
        '65020:7 10.20.0.0/24',
        [
          [
            SPEAKER,
            '65020:7',
            { labels: [100], rd: '65020:7', prefix: '10.20.0.0/24' },
            ['target:65020:7'],
            ['192.0.2.20'],
          ],
        ],
      ],
    ])
    const v6prefix = [...table.values()].map((x) => x[5]!).find((p) => p.includes(':'))!
    const v6 = await get(`/api/v1/lookup?prefix=${v6prefix}`, LookupResponseSchema)
    expect([v6.family, texts(v6.entries[0]!.routes)]).toEqual([
      'ipv6-unicast',
      expectedRoutes((x) => x[5] === v6prefix),
    ])
    const bad: [string, string][] = [
      ['/api/v1/lookup', 'give exactly one of prefix and address'],
      ['/api/v1/lookup?prefix=10.0.0.0/8&address=10.0.0.1', 'give exactly one of prefix and address'],
      [
        '/api/v1/lookup?prefix=10.0.0.300/8',
        "prefix: '10.0.0.300/8' is not a prefix such as 192.0.2.0/24 or 2001:db8::/32",
      ],
      [
        '/api/v1/lookup?prefix=10.0.0.0/33',
        "prefix: '10.0.0.0/33' is not a prefix such as 192.0.2.0/24 or 2001:db8::/32",
      ],
      [
        '/api/v1/lookup?address=10.0.0.1&match=nearest',
        'match: Invalid option: expected one of "exact"|"longest"|"more"|"less"',
      ],
      [
        '/api/v1/lookup?prefix=10.0.0.0/8&family=ipv6-unicast',
        'family: ipv6-unicast holds IPv6 prefixes, not 10.0.0.0/8',
      ],
      [
        '/api/v1/lookup?prefix=10.0.0.0/8&family=l2vpn-evpn',
        'family: l2vpn-evpn has no prefix lookups (search it with /api/v1/search)',
      ],
      [
        '/api/v1/lookup?prefix=10.0.0.0/8&family=ipv4-vpn',
        'rd: ipv4-vpn lookups need a route distinguisher such as 65000:100 or 192.0.2.1:7',
      ],
      ['/api/v1/lookup?prefix=10.0.0.0/8&rd=1:1', 'rd: ipv4-unicast has no route distinguishers'],
      ['/api/v1/lookup?prefix=10.0.0.0/8&peer=x', "peer: 'x' is not an IPv4 or IPv6 address"],
      [
        '/api/v1/lookup?prefix=10.0.0.0/8&match=more&cursor=abc',
        'cursor: not a cursor this request gave out (pass back `cursor` as it came)',
      ],
      ['/api/v1/lookup?prefix=10.0.0.0/8&limit=0', "limit: '0' is not a positive whole number"],
    ]
    for (const [path, error] of bad)
      expect([path, await refused(path)]).toEqual([path, { status: 400, error }])
  })

  it('GET /api/v1/search by origin AS, AS-path pattern and regex, community, large community', async () => {
    const path = (x: Fields) => x[6]!.split(' ')
    const cases: [string, (x: Fields) => boolean][] = [
      ['origin=1239', (x) => lastAs(x[6]!) === '1239'],
      ['path=^3549,7018', (x) => path(x)[0] === '3549' && path(x)[1] === '7018'],
      ['path=174,1239$', (x) => path(x).at(-2) === '174' && path(x).at(-1) === '1239'],
      ['pathRegex=_7018_', (x) => path(x).includes('7018')],
      ['pathRegex=^3741 .*_1239$', (x) => path(x)[0] === '3741' && path(x).at(-1) === '1239'],
      ['community=3549:2023', (x) => x[11]!.split(' ').includes('3549:2023')],
      ['community=3549:*', (x) => x[11]!.split(' ').some((c) => c.startsWith('3549:'))],
      [
        'origin=11500&community=3549:*',
        (x) => lastAs(x[6]!) === '11500' && x[11]!.split(' ').some((c) => c.startsWith('3549:')),
      ],
    ]
    for (const [q, keep] of cases) {
      const got: RouteDto[] = []
      let cursor: string | undefined
      do {
        const page: SearchResponse = await get(
          `/api/v1/search?${q}&limit=40${cursor ? `&cursor=${cursor}` : ''}`,
          SearchResponseSchema,
        )
        got.push(...page.routes)
        cursor = page.cursor
      } while (cursor)
      const expected = expectedRoutes(keep)
      expect([q, texts(unicast(got))]).toEqual([q, expected])
      expect([q, expected.length > 0]).toEqual([q, true])
    }
    const large = await get('/api/v1/search?largeCommunity=65020:*:2', SearchResponseSchema)
    expect(large.routes.map((r) => [r.peer, r.prefix, r.largeCommunities])).toEqual([
      [SPEAKER, '203.0.113.0/24', ['65020:1:2']],
      [SPEAKER, '203.0.113.128/25', ['65020:1:2']],
    ])
    const named = await get('/api/v1/search?community=NO_EXPORT', SearchResponseSchema)
    expect(named.routes.map((r) => r.prefix)).toEqual(['203.0.113.0/24', '203.0.113.128/25'])
  })

  it('GET /api/v1/search by RD, EVPN MAC and FlowSpec destination', async () => {
    const rd = await get('/api/v1/search?rd=65020:7', SearchResponseSchema)
    expect(rd.routes.map((r) => [r.family, r.key])).toEqual([['ipv4-vpn', '65020:7 10.20.0.0/24']])
    const mac = await get('/api/v1/search?mac=0011.2233.4455', SearchResponseSchema)
    expect([mac.criteria, mac.scanned, mac.routes.map((r) => [r.family, r.nlri])]).toEqual([
      { mac: '00:11:22:33:44:55' },
      1,
      [
        [
          'l2vpn-evpn',
          {
            routeType: 2,
            rd: '65020:1',
            esi: { type: 0, value: '000000000000000000' },
            ethernetTag: 0,
            mac: '00:11:22:33:44:55',
            ip: '192.0.2.55',
            labels: [{ value: 1600, label: 100 }],
          },
        ],
      ],
    ])
    const evpnRd = await get('/api/v1/search?rd=65020:1&family=l2vpn-evpn', SearchResponseSchema)
    expect(evpnRd.routes.map((r) => r.key)).toEqual(['2:65020:1:0:00:11:22:33:44:55:192.0.2.55'])
    for (const dest of ['198.51.100.0/24', '198.51.100.128/25', '198.51.0.0/16']) {
      const flow = await get(`/api/v1/search?flowDestination=${dest}`, SearchResponseSchema)
      expect([dest, flow.routes.map((r) => [r.family, r.key])]).toEqual([
        dest,
        [['ipv4-flowspec', 'destination-ipv4 198.51.100.0/24']],
      ])
    }
    expect(
      (await get('/api/v1/search?flowDestination=198.51.101.0/24', SearchResponseSchema)).routes,
    ).toEqual([])
    const bad: [string, string][] = [
      [
        '/api/v1/search',
        'give at least one of origin, path, pathRegex, community, largeCommunity, rd, mac, flowDestination',
      ],
      ['/api/v1/search?origin=AS-X', "origin: 'AS-X' is not an AS number"],
      [
        '/api/v1/search?path=1,,2',
        "path '1,,2' is not a valid AS path pattern: an empty element between commas",
      ],
      [
        '/api/v1/search?pathRegex=(1)%5C1',
        'pathRegex: cannot be matched in linear time: backreferences, lookaround and large {n,m} repetitions are not supported',
      ],
      ['/api/v1/search?pathRegex=(', 'pathRegex: Invalid regular expression: /(/: Unterminated group'],
      [
        '/api/v1/search?community=65536:1',
        "community: '65536:1' is not a community such as 65000:100, 65000:* or NO_EXPORT",
      ],
      [
        '/api/v1/search?largeCommunity=1:2',
        "largeCommunity: '1:2' is not a large community such as 65000:1:2 or 65000:*:*",
      ],
      ['/api/v1/search?rd=x', "rd: 'x' is not a route distinguisher such as 65000:100 or 192.0.2.1:7"],
      ['/api/v1/search?mac=00:11', "mac: '00:11' is not a MAC address such as 00:11:22:33:44:55"],
      [
        '/api/v1/search?mac=00:11:22:33:44:55&family=ipv4-unicast',
        'family: ipv4-unicast does not hold what was asked for',
      ],
      [
        '/api/v1/search?origin=1&cursor=zzz',
        'cursor: not a cursor this request gave out (pass back `cursor` as it came)',
      ],
    ]
    for (const [path, error] of bad)
      expect([path, await refused(path)]).toEqual([path, { status: 400, error }])
  })

  it("GET /api/v1/history/prefix: a prefix's path changes per peer, oldest first, by cursor", async () => {
    const prefix = '85.187.144.0/23'
    const got: string[] = []
    let cursor: string | undefined
    do {
      const page = await get(
        `/api/v1/history/prefix?prefix=${prefix}&limit=30${cursor ? `&cursor=${cursor}` : ''}`,
        PrefixHistoryResponseSchema,
      )
      for (const c of page.changes) {
        got.push(
          c.action === 'announce' ? `${c.peer}|A|${c.asPath.join(' ')}|${c.nextHop[0]}` : `${c.peer}|W`,
        )
      }
      cursor = page.cursor
    } while (cursor)
    // Per peer, in order (sessions ran side by side, so only each peer's own order is fixed).
    const perPeer = (xs: string[]) => {
      const m = new Map<string, string[]>()
      for (const x of xs) m.set(x.split('|')[0]!, [...(m.get(x.split('|')[0]!) ?? []), x])
      return m
    }
    const expected = lines
      .filter((x) => x[5] === prefix)
      .map((x) => (x[2] === 'A' ? `${x[3]}|A|${x[6]}|${x[8]}` : `${x[3]}|W`))
    expect(got.length).toBe(95)
    expect(perPeer(got)).toEqual(perPeer(expected))
    const window = await get(
      `/api/v1/history/prefix?prefix=${prefix}&from=${new Date(f.loaded).toISOString()}`,
      PrefixHistoryResponseSchema,
    )
    expect(window.changes).toEqual([])
    expect(await refused('/api/v1/history/prefix?prefix=85.187.144.0/23&from=yesterday')).toEqual({
      status: 400,
      error: "from: 'yesterday' is not a time (Unix seconds, or ISO 8601 such as 2024-05-01T12:00:00Z)",
    })
    expect(await refused('/api/v1/history/prefix?prefix=85.187.144.0/23&from=2000&to=1000')).toEqual({
      status: 400,
      error: 'from: is after to',
    })
    expect(await refused('/api/v1/history/prefix')).toEqual({
      status: 400,
      error: expect.stringMatching(/^prefix: /),
    })
  })

  it('GET /api/v1/history/rib: the routes for a prefix, or of a peer, at time T', async () => {
    const now = await get('/api/v1/history/rib?prefix=66.128.208.0/20&match=more', RibAtResponseSchema)
    const text = (r: (typeof now.routes)[number]) => `${r.peer}|${r.prefix}|${r.asPath.join(' ')}`
    const expected = (keep: (x: Fields) => boolean) =>
      [...table.values()]
        .filter(keep)
        .map((x) => `${x[3]}|${x[5]}|${x[6]}`)
        .sort()
    expect(now.routes.map(text).sort()).toEqual(expected((x) => inside(x[5]!, '66.128.208.0/20')))
    const before = await get(
      `/api/v1/history/rib?prefix=66.128.208.0/20&match=more&at=${(f.started - 5000) / 1000}`,
      RibAtResponseSchema,
    )
    expect(before.routes).toEqual([])
    const peer = f.sessionOf.get('202.12.28.190')!
    const all: string[] = []
    let cursor: string | undefined
    do {
      const page = await get(
        `/api/v1/history/rib?peer=${peer}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        RibAtResponseSchema,
      )
      all.push(...page.routes.map(text))
      cursor = page.cursor
    } while (cursor)
    expect(all.sort()).toEqual(expected((x) => x[3] === peer))
    expect(await refused('/api/v1/history/rib')).toEqual({
      status: 400,
      error: 'give prefix (routes of every peer for it) or peer (its whole table)',
    })
  })

  it('GET /api/v1/history/origins and /moas: origin AS changes of a prefix', async () => {
    // Per peer, each announcement whose origin differs from that peer's previous one.
    const last = new Map<string, string>()
    const changes: string[] = []
    const origins = new Map<string, Set<string>>()
    for (const x of lines) {
      if (x[2] !== 'A') continue
      const key = `${x[3]} ${x[5]}`
      const o = lastAs(x[6]!)
      const before = last.get(key)
      if (before !== undefined && before !== o && !o.startsWith('{'))
        changes.push(`${x[3]}|${x[5]}|${before}|${o}`)
      last.set(key, o)
      if (!o.startsWith('{')) origins.set(x[5]!, new Set([...(origins.get(x[5]!) ?? []), o]))
    }
    const prefix = changes[0]!.split('|')[1]!
    const got = await get(`/api/v1/history/origins?prefix=${prefix}`, OriginChangesResponseSchema)
    expect(got.changes.map((c) => `${c.peer}|${c.prefix}|${c.previousOrigin}|${c.origin}`).sort()).toEqual(
      changes.filter((c) => c.split('|')[1] === prefix).sort(),
    )
    const moas = await get('/api/v1/history/moas?prefix=0.0.0.0/0&limit=5000', MoasResponseSchema)
    expect(moas.prefixes.map((m) => `${m.prefix} ${m.origins.join(',')}`).sort()).toEqual(
      [...origins]
        .filter(([, o]) => o.size > 1)
        .map(
          ([p, o]) =>
            `${p} ${[...o]
              .map(Number)
              .sort((a, b) => a - b)
              .join(',')}`,
        )
        .sort(),
    )
  })

  it('GET /api/v1/stats: per-minute series shaped for uPlot, total and per peer', async () => {
    const from = Math.floor(f.started / 1000) - 60
    const to = Math.ceil(f.loaded / 1000) + 60
    const total = await get(`/api/v1/stats?from=${from}&to=${to}`, StatsResponseSchema)
    expect(total.series.map((s) => s.metric)).toEqual(['updates', 'announcements', 'withdrawals', 'messages'])
    expect(total.data.length).toBe(5)
    for (const col of total.data) expect(col.length).toBe(total.data[0]!.length)
    expect(total.data[0]![1]! - total.data[0]![0]!).toBe(60)
    const sum = (i: number) => total.data[i]!.reduce((a, b) => a + b, 0)
    const announced = lines.filter((x) => x[2] === 'A').length + 5
    const withdrawn = lines.filter((x) => x[2] === 'W').length
    expect([sum(1), sum(2), sum(3)]).toEqual([4226, announced, withdrawn])
    const byPeer = await get(`/api/v1/stats?from=${from}&to=${to}&by=peer&step=300`, StatsResponseSchema)
    expect(byPeer.step).toBe(300)
    const speaker = byPeer.series.findIndex((s) => s.peer === SPEAKER && s.metric === 'announcements')
    expect(byPeer.data[speaker + 1]!.reduce((a, b) => a + b, 0)).toBe(5)
    expect(await refused('/api/v1/stats?step=7')).toEqual({
      status: 400,
      error: "step: '7' is not one of 60, 300, 900, 3600, 86400",
    })
  })

  it('GET /metrics: Prometheus text with sessions, messages, paths, queues, drops and storage lag', async () => {
    const res = await f.collector.api.request('/metrics')
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await res.text()
    const sample = (line: string) => text.split('\n').includes(line)
    const family = (name: string) =>
      text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    expect(sample('routelake_peers{state="established"} 19')).toBe(true)
    expect(sample(`routelake_peer_paths{peer="${SPEAKER}",family="ipv4-vpn"} 1`)).toBe(true)
    expect(sample(`routelake_bgp_messages_received_total{peer="${SPEAKER}",type="UPDATE"} 4`)).toBe(true)
    expect(sample(`routelake_rib_paths ${table.size + 5}`)).toBe(true)
    expect(family('routelake_queue_dropped_total').map((l) => l.replace(/ \d+$/, ''))).toEqual([
      'routelake_queue_dropped_total{queue="clickhouse"}',
      'routelake_queue_dropped_total{queue="live"}',
    ])
    expect(family('routelake_storage_lag_seconds')).toEqual(['routelake_storage_lag_seconds 0'])
    expect(sample('routelake_storage_dropped_events_total 0')).toBe(true)
    expect(sample('routelake_storage_connected 1')).toBe(true)
    // Every sample belongs to the metric declared last (the format keeps a family's samples together).
    let declared = ''
    const seen = new Set<string>()
    for (const l of text.split('\n').filter(Boolean)) {
      const m = /^# TYPE (\S+) (gauge|counter)$/.exec(l)
      if (m) {
        expect(seen.has(m[1]!)).toBe(false)
        seen.add(m[1]!)
        declared = m[1]!
      } else if (!l.startsWith('# HELP')) expect(l.split(/[{ ]/)[0]).toBe(declared)
    }
  })

  it('GET /healthz', async () => {
    expect({ ...(await get('/healthz', HealthResponseSchema)), uptime: 0 }).toEqual({
      status: 'ok',
      uptime: 0,
      peers: { up: 19, total: 19 },
      storage: { running: true, connected: true, spooledBatches: 0 },
    })
  })

  it('unknown routes are 404 in the error shape', async () => {
    expect(await refused('/api/v1/nothing')).toEqual({ status: 404, error: 'no route GET /api/v1/nothing' })
  })
})
