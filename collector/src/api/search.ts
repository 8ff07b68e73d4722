// GET /api/v1/search: paths of the Adj-RIB-In by what they carry, all
// criteria given must hold:
//
//   origin=64500                 the origin AS (last AS of a path ending in a sequence)
//   path=64500,64501$            the RIS Live comma pattern (docs/live.md "path"): ^ $ ! and [AS sets]
//   pathRegex=_64501_64500$      a regular expression over the AS path text "64501 64500 {1,2}";
//                                `_` stands for a separator or either end, as on routers
//   community=65000:100          a community (65000:* and *:100 match one half; NO_EXPORT…)
//   largeCommunity=65000:1:*     a large community, each part a number or *
//   rd=65000:100                 the route distinguisher (VPN, EVPN, FlowSpec VPN… routes)
//   mac=00:11:22:33:44:55        an EVPN MAC/IP advertisement's MAC (default family l2vpn-evpn)
//   flowDestination=192.0.2.0/24 FlowSpec rules whose destination prefix overlaps this one
//                                (default families ipv4-flowspec and ipv6-flowspec)
//   family=…  peer=…             narrow the scan
//
// The scan walks each peer's routes (peers by address, then families in
// number order) with the RIB's resumable listing, at most SCAN_BUDGET paths
// and SCAN_TIME_MS of work a request (it runs on the thread the sessions
// share); attribute criteria are decided once per interned attribute set.
// A page may hold fewer routes than `limit` and still carry a cursor: the
// rest of the RIB remains to be searched. Path regexes run on V8's
// linear-time engine, their complexity bounded (path-regex.ts).

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { FlowspecNlri } from '../bgp/index.ts'
import { familyByName, flattenPath, formatCommunity, originAs, parseCommunity } from '../bgp/index.ts'
import type { Rib, RibRoute } from '../rib/index.ts'
import {
  matchPath,
  normalSet,
  type PathElement,
  type PathPattern,
  parsePathPattern,
} from '../sinks/live/index.ts'
import { maskPrefix, parsePrefix } from '../wire/ip.ts'
import { formatRD, parseRD } from '../wire/rd.ts'
import { type ApiContext, needRib } from './deps.ts'
import type { RouteDto, SearchResponse } from './dto.ts'
import { badRequest } from './errors.ts'
import {
  decodeCursor,
  encodeCursor,
  parseAddressParam,
  parseAsn,
  parseFamilyParam,
  parseLimit,
  parsePrefixParam,
} from './params.ts'
import { compilePathRegex } from './path-regex.ts'
import { asPathText, peerNames, routeDto } from './route-view.ts'
import { errorResponses, params, SearchResponseSchema } from './schemas.ts'

/** Paths looked at per request, at most. */
export const SCAN_BUDGET = 250_000

/** Milliseconds of scanning per request, at most (checked after each path). */
export const SCAN_TIME_MS = 100

const route = createRoute({
  method: 'get',
  path: '/api/v1/search',
  tags: ['looking glass'],
  summary:
    'Find paths by origin AS, AS path pattern or regex, community, large community, RD, EVPN MAC, FlowSpec destination',
  request: {
    query: z.object({
      origin: z.string().optional().openapi({ example: '3333' }),
      path: z.string().optional().openapi({ description: 'RIS Live comma pattern', example: '1299,3333$' }),
      pathRegex: z
        .string()
        .optional()
        .openapi({ description: 'Regex over "64500 64501 {1,2}"; _ is a separator', example: '_3333$' }),
      community: z.string().optional().openapi({ example: '65000:100' }),
      largeCommunity: z.string().optional().openapi({ example: '65000:1:*' }),
      rd: z.string().optional().openapi({ example: '65000:100' }),
      mac: z.string().optional().openapi({ example: '00:11:22:33:44:55' }),
      flowDestination: z.string().optional().openapi({ example: '192.0.2.0/24' }),
      family: params.Family,
      peer: params.Peer,
      limit: params.Limit(100),
      cursor: params.Cursor,
    }),
  },
  responses: {
    200: {
      description: 'Matching routes',
      content: { 'application/json': { schema: SearchResponseSchema } },
    },
    ...errorResponses,
  },
})

type Query = Record<string, string | undefined>

interface Criteria {
  readonly text: Record<string, string>
  /** Decided once per attribute set. */
  readonly attributes: ((r: RibRoute) => boolean)[]
  /** Per route (NLRI fields). */
  readonly nlri: ((r: RibRoute) => boolean)[]
  /** Families to scan (names), or undefined for every family a peer has. */
  readonly families: readonly string[] | undefined
}

function pathElements(r: RibRoute): PathElement[] {
  return flattenPath(r.attributes.attributes.asPath).map((e) => (typeof e === 'number' ? e : normalSet(e)))
}

function communityMatcher(text: string): (c: string) => boolean {
  const named = parseCommunity(text)
  if (named !== undefined) {
    const want = formatCommunity(named)
    return (c) => c === want
  }
  const m = /^(\d{1,5}|\*):(\d{1,5}|\*)$/.exec(text)
  if (!m || (m[1] !== '*' && Number(m[1]) > 0xffff) || (m[2] !== '*' && Number(m[2]) > 0xffff))
    throw badRequest(`community: '${text}' is not a community such as 65000:100, 65000:* or NO_EXPORT`)
  return (c) => {
    const [a, b] = c.split(':')
    return (m[1] === '*' || a === m[1]) && (m[2] === '*' || b === m[2])
  }
}

function largeCommunityMatcher(text: string): (c: string) => boolean {
  const parts = text.split(':')
  if (parts.length !== 3 || parts.some((p) => p !== '*' && (!/^\d{1,10}$/.test(p) || Number(p) > 0xffffffff)))
    throw badRequest(`largeCommunity: '${text}' is not a large community such as 65000:1:2 or 65000:*:*`)
  const want = parts.map((p) => (p === '*' ? p : String(Number(p))))
  return (c) => {
    const have = c.split(':')
    return want.every((w, i) => w === '*' || w === have[i])
  }
}

function normalMac(text: string): string {
  const hex = text.toLowerCase().replace(/[.:-]/g, '')
  if (!/^[0-9a-f]{12}$/.test(hex))
    throw badRequest(`mac: '${text}' is not a MAC address such as 00:11:22:33:44:55`)
  return hex.match(/../g)!.join(':')
}

/** Two prefixes overlap when one holds the other. */
function overlaps(
  a: { address: Uint8Array; length: number },
  b: { address: Uint8Array; length: number },
): boolean {
  if (a.address.length !== b.address.length) return false
  const len = Math.min(a.length, b.length)
  const x = maskPrefix(new Uint8Array(a.address), len)
  const y = maskPrefix(new Uint8Array(b.address), len)
  return x.every((v, i) => v === y[i])
}

function criteria(q: Query): Criteria {
  const text: Record<string, string> = {}
  const attributes: ((r: RibRoute) => boolean)[] = []
  const nlri: ((r: RibRoute) => boolean)[] = []
  let families: string[] | undefined
  if (q.origin !== undefined) {
    const asn = parseAsn('origin', q.origin)
    text.origin = String(asn)
    attributes.push((r) => originAs(r.attributes.attributes.asPath) === asn)
  }
  if (q.path !== undefined) {
    const p: PathPattern | string = parsePathPattern(q.path)
    if (typeof p === 'string') throw badRequest(p)
    text.path = p.text
    attributes.push((r) => matchPath(p, pathElements(r)))
  }
  if (q.pathRegex !== undefined) {
    const re = compilePathRegex(q.pathRegex)
    if (typeof re === 'string') throw badRequest(`pathRegex: ${re}`)
    text.pathRegex = q.pathRegex
    attributes.push((r) => re.test(asPathText(r.attributes.attributes.asPath)))
  }
  if (q.community !== undefined) {
    const m = communityMatcher(q.community.trim())
    text.community = q.community.trim()
    attributes.push((r) => r.attributes.attributes.communities.some(m))
  }
  if (q.largeCommunity !== undefined) {
    const m = largeCommunityMatcher(q.largeCommunity.trim())
    text.largeCommunity = q.largeCommunity.trim()
    attributes.push((r) => r.attributes.attributes.largeCommunities.some(m))
  }
  if (q.rd !== undefined) {
    const b = parseRD(q.rd.trim())
    if (!b) throw badRequest(`rd: '${q.rd}' is not a route distinguisher such as 65000:100 or 192.0.2.1:7`)
    const rd = formatRD(b, 0)
    text.rd = rd
    nlri.push((r) => (r.rd ?? (r.nlri as { rd?: unknown }).rd) === rd)
  }
  if (q.mac !== undefined) {
    const mac = normalMac(q.mac.trim())
    text.mac = mac
    families = ['l2vpn-evpn']
    nlri.push((r) => (r.nlri as { mac?: unknown }).mac === mac)
  }
  if (q.flowDestination !== undefined) {
    const p = parsePrefixParam('flowDestination', q.flowDestination)
    const want = parsePrefix(p.prefix)!
    text.flowDestination = p.prefix
    families = p.v6 ? ['ipv6-flowspec', 'ipv6-flowspec-vpn'] : ['ipv4-flowspec', 'ipv4-flowspec-vpn']
    nlri.push((r) => {
      const n = r.nlri as Partial<FlowspecNlri>
      const dest = n.components?.find((c) => c.type === 1) as { prefix?: string } | undefined
      const have = dest?.prefix === undefined ? undefined : parsePrefix(dest.prefix)
      return have !== undefined && overlaps(have, want)
    })
  }
  if (q.family !== undefined) {
    const f = parseFamilyParam('family', q.family)
    if (families && !families.includes(f)) throw badRequest(`family: ${f} does not hold what was asked for`)
    families = [f]
    text.family = f
  }
  if (!attributes.length && !nlri.length) {
    throw badRequest(
      'give at least one of origin, path, pathRegex, community, largeCommunity, rd, mac, flowDestination',
    )
  }
  return { text, attributes, nlri, families }
}

interface Position {
  /** The peer being scanned (its address) and the family within it. */
  readonly p: string
  readonly f: string
  /** The RIB's listing cursor within that peer and family. */
  readonly c?: string
  /** That peer's family was searched to its end: go on with the next one. */
  readonly d?: true
}

const isPosition = (v: unknown): v is Position => {
  const o = v as Position
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.p === 'string' &&
    typeof o.f === 'string' &&
    (o.c === undefined || typeof o.c === 'string') &&
    (o.d === undefined || o.d === true)
  )
}

/** (peer, family) pairs to scan, in order, from a position on. */
function* streams(
  rib: Rib,
  only: Criteria['families'],
  peer: string | undefined,
  from: Position | undefined,
) {
  const peers = rib
    .peers()
    .map((id) => ({ id, address: rib.peerName(id)! }))
    .filter((p) => peer === undefined || p.address === peer)
    .sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }))
  const fromKey = from ? (familyByName(from.f) ?? 0) : 0
  for (const p of peers) {
    const cmp = from ? p.address.localeCompare(from.p, 'en', { numeric: true }) : 1
    if (cmp < 0) continue
    for (const fc of rib.counts(p.id)) {
      if (only && !only.includes(fc.family)) continue
      if (cmp === 0 && from) {
        const k = familyByName(fc.family) ?? 0
        if (k < fromKey) continue
        if (k === fromKey) {
          if (!from.d) yield { id: p.id, address: p.address, family: fc.family, cursor: from.c }
          continue
        }
      }
      yield { id: p.id, address: p.address, family: fc.family, cursor: undefined as string | undefined }
    }
  }
}

export function registerSearch(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(route, (c) => {
    const rib = needRib(ctx)
    const q = c.req.valid('query')
    const crit = criteria(q)
    const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
    const limit = parseLimit(q.limit, 100, ctx.settings.maxResults)
    const from = q.cursor === undefined ? undefined : decodeCursor('search', q.cursor, isPosition)
    const views = new Map(ctx.deps.peers().map((v) => [v.address, v.asn]))
    const names = peerNames(
      (id) => rib.peerName(id),
      (a) => views.get(a),
    )
    const verdicts = new Map<number, boolean>()
    const attributesMatch = (r: RibRoute): boolean => {
      if (!crit.attributes.length) return true
      const id = r.attributes.id
      let v = verdicts.get(id)
      if (v === undefined) {
        v = crit.attributes.every((f) => f(r))
        verdicts.set(id, v)
      }
      return v
    }
    const out: RouteDto[] = []
    let scanned = 0
    const deadline = performance.now() + SCAN_TIME_MS
    let next: Position | undefined
    scan: for (const s of streams(rib, crit.families, peer, from)) {
      let cursor = s.cursor
      for (;;) {
        let page: ReturnType<Rib['list']>
        try {
          page = rib.list(s.id, {
            family: s.family,
            limit: Math.min(2000, SCAN_BUDGET - scanned + 1),
            ...(cursor ? { cursor } : {}),
          })
        } catch (e) {
          if (e instanceof RangeError) throw badRequest('cursor: not a cursor this request gave out')
          throw e
        }
        for (let i = 0; i < page.routes.length; i++) {
          const r = page.routes[i]!
          scanned++
          if (crit.nlri.every((f) => f(r)) && attributesMatch(r)) out.push(routeDto(r, names))
          if (out.length === limit || scanned >= SCAN_BUDGET || performance.now() > deadline) {
            // Where the next request goes on: after this route (the cursor of a page that ends here),
            // or with the next family when this one has no more routes.
            const after =
              i === page.routes.length - 1 ? page.cursor : resumeAfter(rib, s.id, s.family, cursor, i + 1)
            next = after ? { p: s.address, f: s.family, c: after } : { p: s.address, f: s.family, d: true }
            break scan
          }
        }
        if (!page.cursor) break
        cursor = page.cursor
      }
    }
    const body: SearchResponse = {
      criteria: crit.text,
      routes: out,
      scanned,
      ...(next ? { cursor: encodeCursor('search', next) } : {}),
    }
    return c.json(body as never, 200)
  })
}

/** The listing cursor after the first `n` routes from `cursor` (a page of n routes ends there). */
function resumeAfter(
  rib: Rib,
  peer: number,
  family: string,
  cursor: string | undefined,
  n: number,
): string | undefined {
  const page = rib.list(peer, { family, limit: n, ...(cursor ? { cursor } : {}) })
  return page.cursor
}
