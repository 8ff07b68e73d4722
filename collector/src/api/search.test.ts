// GET /api/v1/search?pathRegex= is safe to offer: patterns that make a
// backtracking engine take exponential time (`(\d|\d| )*x` took 2.7 s on a
// path of five ASNs, doubling with every digit, on the thread the sessions
// share) answer at once, with their routes or a 400 and the reason, on a
// short path and on the longest one a 4096-octet UPDATE carries.

import { describe, expect, it } from 'vitest'
import {
  type AsPathSegment,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import { createRib, type Rib } from '../rib/index.ts'
import { createApi } from './app.ts'
import { MAX_COST, patternCost } from './path-regex.ts'

const T = Date.UTC(2024, 4, 1, 12, 0, 0)
const SHORT = '192.0.2.1'
const LONG = '192.0.2.2'

function announce(rib: Rib, peer: string, prefix: string, segments: AsPathSegment[]): void {
  const m: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x50, name: 'AS_PATH', value: segments },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: peer },
    ],
    nlri: [{ prefix }],
  }
  const raw = encodeMessage(m, DEFAULT_CONTEXT)
  const d = decodeMessage(raw, DEFAULT_CONTEXT)
  if (d.problems.length) throw new Error(JSON.stringify(d.problems))
  rib.apply(
    rib.peer(peer),
    updateRoutes(d.message as UpdateMessage, d.problems, DEFAULT_CONTEXT),
    raw,
    DEFAULT_CONTEXT,
  )
}

/** 64500 64501 64502 64503 64504 (29 characters); 1,000 ten-digit ASNs (10,999 characters, 4,063 octets). */
function api() {
  const rib = createRib()
  announce(rib, SHORT, '198.51.100.0/24', [
    { type: 'AS_SEQUENCE', asns: [64500, 64501, 64502, 64503, 64504] },
  ])
  const asns = Array.from({ length: 1000 }, (_, i) => 4_200_000_000 + i)
  announce(
    rib,
    LONG,
    '203.0.113.0/24',
    [0, 1, 2, 3].map((k) => ({ type: 'AS_SEQUENCE' as const, asns: asns.slice(k * 250, k * 250 + 250) })),
  )
  return createApi({ peers: () => [], now: () => T, rib })
}

const EXPONENTIAL = ['(\\d|\\d)*x', '(a+)+$', '(.*a){20}', '(\\d|\\d| )*x', '(.|\\d)*x', '(\\d+ ?)+x$']

async function timed(app: ReturnType<typeof api>, pattern: string, peer: string) {
  const t0 = performance.now()
  const res = await app.request(`/api/v1/search?peer=${peer}&pathRegex=${encodeURIComponent(pattern)}`)
  const ms = performance.now() - t0
  const body = (await res.json()) as { routes?: { prefix: string }[]; error?: string }
  return { pattern, status: res.status, ms, prefixes: body.routes?.map((r) => r.prefix), error: body.error }
}

describe('GET /api/v1/search?pathRegex= in linear time', () => {
  const app = api()
  const tooComplex = (n: number) =>
    `pathRegex: too complex: ${n} wildcards and quantifiers (at most ${MAX_COST}; an atom repeated {n,m} counts m times)`

  for (const [name, peer] of [
    ['a path of five ASNs', SHORT],
    ['a path of 1,000 four-octet ASNs', LONG],
  ] as const) {
    it(`answers patterns that backtrack exponentially at once, on ${name}`, async () => {
      // The first request turns the linear engine on: not timed.
      await timed(app, '^\\d', peer)
      const results = []
      for (const pattern of EXPONENTIAL) results.push(await timed(app, pattern, peer))
      expect(results.map(({ ms, ...r }) => ({ ...r, quick: ms < 100 }))).toEqual([
        { pattern: '(\\d|\\d)*x', status: 200, prefixes: [], error: undefined, quick: true },
        { pattern: '(a+)+$', status: 200, prefixes: [], error: undefined, quick: true },
        { pattern: '(.*a){20}', status: 400, prefixes: undefined, error: tooComplex(41), quick: true },
        { pattern: '(\\d|\\d| )*x', status: 200, prefixes: [], error: undefined, quick: true },
        { pattern: '(.|\\d)*x', status: 200, prefixes: [], error: undefined, quick: true },
        { pattern: '(\\d+ ?)+x$', status: 200, prefixes: [], error: undefined, quick: true },
      ])
    })
  }

  it('still finds what a pattern matches, `_` a separator or either end', async () => {
    const found = async (pattern: string) => (await timed(app, pattern, SHORT)).prefixes
    expect(await found('_64502_')).toEqual(['198.51.100.0/24'])
    expect(await found('^64500_(\\d+_)+64504$')).toEqual(['198.51.100.0/24'])
    expect(await found('^(64500 |64501 |6450[2-4] ?)+$')).toEqual(['198.51.100.0/24'])
    expect(await found('_6450$')).toEqual([])
    const long = await timed(app, '^4200000000 (\\d+ )*4200000999$', LONG)
    expect([long.status, long.prefixes, long.ms < 100]).toEqual([200, ['203.0.113.0/24'], true])
  })

  it('refuses what the linear engine cannot run, and patterns too complex for it, with the reason', async () => {
    const refused = async (pattern: string) => {
      const r = await timed(app, pattern, LONG)
      return [r.status, r.error, r.ms < 100]
    }
    const linear =
      'pathRegex: cannot be matched in linear time: backreferences, lookaround and large {n,m} repetitions are not supported'
    expect(await refused('(\\d)\\1')).toEqual([400, linear, true])
    expect(await refused('(?<=1)2')).toEqual([400, linear, true])
    expect(await refused('(?=1)1')).toEqual([400, linear, true])
    expect(await refused('1{1000}')).toEqual([400, linear, true])
    expect(await refused('(.*.*.*.*.*.*.*.*){16}x')).toEqual([400, tooComplex(16 * 16 + 1), true])
    expect(await refused('.'.repeat(33))).toEqual([400, tooComplex(33), true])
    expect(await refused('1'.repeat(201))).toEqual([400, 'pathRegex: at most 200 characters', true])
    expect(await refused('(')).toEqual([
      400,
      'pathRegex: Invalid regular expression: /(/: Unterminated group',
      true,
    ])
    expect(await refused('1\\_')).toEqual([
      400,
      "pathRegex: Invalid regular expression: /1\\(?:^|$| )/: Unmatched ')'",
      true,
    ])
  })
})

describe('GET /api/v1/search: the time budget', () => {
  it('ends a page after SCAN_TIME_MS of matching, with a cursor that goes on where it stopped', async () => {
    // 20 paths of 1,000 ASNs, each its own attribute set, and the costliest pattern allowed
    // (32: sixteen `.*`), tens of milliseconds a path: a page stops after a few.
    const rib = createRib()
    for (let k = 0; k < 20; k++) {
      const asns = Array.from({ length: 1000 }, (_, i) => 4_200_000_000 + k * 1000 + i)
      announce(
        rib,
        LONG,
        `10.0.${k}.0/24`,
        [0, 1, 2, 3].map((j) => ({ type: 'AS_SEQUENCE' as const, asns: asns.slice(j * 250, j * 250 + 250) })),
      )
    }
    const app = createApi({ peers: () => [], now: () => T, rib })
    const pattern = encodeURIComponent(`${'.*'.repeat(16)}x`)
    const pages: { scanned: number; routes: number; cursor: boolean }[] = []
    let cursor: string | undefined
    do {
      const res = await app.request(`/api/v1/search?pathRegex=${pattern}${cursor ? `&cursor=${cursor}` : ''}`)
      const body = (await res.json()) as { scanned: number; routes: unknown[]; cursor?: string }
      expect(res.status).toBe(200)
      cursor = body.cursor
      pages.push({ scanned: body.scanned, routes: body.routes.length, cursor: cursor !== undefined })
    } while (cursor && pages.length < 25)
    expect([pages[0]!.scanned < 20, pages[0]!.cursor]).toEqual([true, true])
    expect(pages.reduce((n, p) => n + p.scanned, 0)).toBe(20)
    expect(pages.reduce((n, p) => n + p.routes, 0)).toBe(0)
  })
})

describe('patternCost', () => {
  it('counts wildcards and quantifiers, {n,m} repetitions expanded; literals, anchors and | nothing', () => {
    const cases: [string, number][] = [
      ['_3333$', 0],
      ['^(174|3356|1299|2914|3257|6453|6762|6939)_', 0],
      ['\\d', 1],
      ['[0-9]+', 2],
      ['[^\\]x]', 1],
      ['.*', 2],
      ['(\\d|\\d)*x', 3],
      ['(?:\\d+ ){2,5}\\d+$', 2 + 2 * 4 + 1 + 2],
      ['(?<as>\\d+)', 2],
      ['x{3}', 1],
      ['(.*){16}', 2 + 2 * 15 + 1],
      ['(.*a){20}', 41],
      ['\\.\\*', 0],
      ['a+?', 1],
      ['{', 0],
    ]
    expect(cases.map(([p]) => [p, patternCost(p)])).toEqual(cases)
  })
})
