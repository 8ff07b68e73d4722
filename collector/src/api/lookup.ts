// GET /api/v1/lookup: a prefix or an address in the in-memory Adj-RIB-In,
// across every peer — the looking glass. `match`:
//
//   exact    the prefix itself                    (an address: its host prefix)
//   longest  the longest prefix covering it       (default for an address)
//   more     the prefix and everything inside it, in address order, a page at a time
//   less     every prefix covering it, shortest first
//
// Each entry lists every peer's paths with their attributes, path id and,
// when storage can tell, when they were announced. IP families (unicast,
// multicast, labeled) and VPN families (with `rd`) are looked up this way;
// other families are found through /api/v1/search.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { familyByName, familyCodec } from '../bgp/index.ts'
import type { LookupOptions, Rib, RibEntry, RibRoute } from '../rib/index.ts'
import { formatIPv4, formatIPv6, maskPrefix, parsePrefix } from '../wire/ip.ts'
import { formatRD, parseRD } from '../wire/rd.ts'
import { loadAges } from './ages.ts'
import { type ApiContext, needRib } from './deps.ts'
import type { LookupMatch, LookupResponse, RibEntryDto } from './dto.ts'
import { badRequest } from './errors.ts'
import {
  decodeCursor,
  encodeCursor,
  parseAddressParam,
  parseBool,
  parseFamilyParam,
  parseLimit,
  parsePrefixParam,
} from './params.ts'
import { entryDto, peerNames, withAge } from './route-view.ts'
import { errorResponses, LookupResponseSchema, params } from './schemas.ts'

const MATCHES = ['exact', 'longest', 'more', 'less'] as const

const route = createRoute({
  method: 'get',
  path: '/api/v1/lookup',
  tags: ['looking glass'],
  summary: 'Look a prefix or an address up across every peer (exact, longest, more- or less-specific)',
  request: {
    query: z.object({
      prefix: z.string().optional().openapi({ example: '193.0.0.0/21' }),
      address: z.string().optional().openapi({ example: '193.0.6.139' }),
      match: z.enum(MATCHES).optional().openapi({
        description: 'exact (default for a prefix), longest (default for an address), more, less',
      }),
      family: params.Family.openapi({
        description:
          'ipv4-unicast or ipv6-unicast by default (from the prefix); multicast, labeled and VPN families too',
      }),
      rd: z
        .string()
        .optional()
        .openapi({ description: 'VPN families: the route distinguisher', example: '65000:100' }),
      peer: params.Peer,
      limit: params
        .Limit(100)
        .openapi({ description: 'Entries (prefixes) per page for match=more (default 100)' }),
      cursor: params.Cursor,
      age: z
        .string()
        .optional()
        .openapi({ description: 'Look up when each path was announced (default true)' }),
    }),
  },
  responses: {
    200: {
      description: 'The entries found',
      content: { 'application/json': { schema: LookupResponseSchema } },
    },
    ...errorResponses,
  },
})

type Prefix = { readonly address: Uint8Array; readonly length: number }

const bitOf = (b: Uint8Array, i: number) => (b[i >> 3]! >> (7 - (i & 7))) & 1

/** `inner` lies in `outer` (or is it). */
function within(inner: Prefix, outer: Prefix): boolean {
  if (inner.length < outer.length) return false
  for (let i = 0; i < outer.length; i++) if (bitOf(inner.address, i) !== bitOf(outer.address, i)) return false
  return true
}

function prefixText(address: Uint8Array, length: number): string {
  return `${address.length === 4 ? formatIPv4(address) : formatIPv6(address)}/${length}`
}

/**
 * The entries of `top` that come after `k` in the trie's walk (address, then
 * length), without walking those before it: k's own more-specifics, then,
 * going up from k towards `top`, the right-hand sibling subtree of each
 * left-hand step. A page of a large range costs its own entries only.
 */
function* entriesAfter(
  rib: Rib,
  family: string,
  top: Prefix,
  k: Prefix,
  opts: LookupOptions,
): Generator<RibEntry> {
  yield* rib.moreSpecifics(family, prefixText(k.address, k.length), { ...opts, includeSelf: false })
  for (let j = k.length; j > top.length; j--) {
    if (bitOf(k.address, j - 1) !== 0) continue
    const sibling = maskPrefix(new Uint8Array(k.address), j)
    sibling[(j - 1) >> 3]! |= 0x80 >> ((j - 1) & 7)
    yield* rib.moreSpecifics(family, prefixText(sibling, j), opts)
  }
}

const isMoreCursor = (v: unknown): v is string => typeof v === 'string'

export function registerLookup(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(route, async (c) => {
    const rib = needRib(ctx)
    const q = c.req.valid('query')
    if ((q.prefix === undefined) === (q.address === undefined))
      throw badRequest('give exactly one of prefix and address')
    let prefix: string
    let v6: boolean
    let isAddress = false
    if (q.prefix !== undefined) {
      const p = parsePrefixParam('prefix', q.prefix)
      prefix = p.prefix
      v6 = p.v6
    } else {
      const a = parseAddressParam('address', q.address!)
      isAddress = true
      v6 = a.v6
      prefix = `${a.address}/${v6 ? 128 : 32}`
    }
    const match: LookupMatch = q.match ?? (isAddress ? 'longest' : 'exact')
    const family =
      q.family === undefined ? (v6 ? 'ipv6-unicast' : 'ipv4-unicast') : parseFamilyParam('family', q.family)
    const key = familyByName(family)!
    const afi = key >> 8
    const safi = key & 0xff
    const vpn = safi === 128 || safi === 129
    const ip = safi === 1 || safi === 2 || safi === 4
    if ((afi !== 1 && afi !== 2) || (!ip && !vpn) || familyCodec(afi, safi).opaque) {
      throw badRequest(`family: ${family} has no prefix lookups (search it with /api/v1/search)`)
    }
    if ((afi === 2) !== v6)
      throw badRequest(`family: ${family} holds IPv${afi === 2 ? 6 : 4} prefixes, not ${prefix}`)
    let rd: string | undefined
    if (vpn) {
      const b = q.rd === undefined ? undefined : parseRD(q.rd)
      if (!b)
        throw badRequest(`rd: ${family} lookups need a route distinguisher such as 65000:100 or 192.0.2.1:7`)
      rd = formatRD(b, 0)
    } else if (q.rd !== undefined) throw badRequest(`rd: ${family} has no route distinguishers`)
    const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
    const limit = parseLimit(q.limit, 100, ctx.settings.maxResults)
    const wantAge = parseBool('age', q.age, true) && ctx.deps.storage !== undefined
    const opts = rd ? { rd } : {}

    const peerId = peer === undefined ? undefined : rib.peers().find((id) => rib.peerName(id) === peer)
    const keep =
      peer === undefined
        ? () => true
        : peerId === undefined
          ? () => false
          : (r: RibRoute) => r.peer === peerId
    const views = new Map(ctx.deps.peers().map((v) => [v.address, v.asn]))
    const names = peerNames(
      (id) => rib.peerName(id),
      (a) => views.get(a),
    )
    const found: RibEntry[] = []
    const dtos: RibEntryDto[] = []
    let routes = 0
    let cursor: string | undefined
    const add = (e: RibEntry | undefined) => {
      if (!e) return
      const d = entryDto(e, names, keep)
      if (!d.routes.length) return
      found.push(e)
      dtos.push(d)
      routes += d.routes.length
    }
    try {
      if (match === 'exact') add(rib.exact(family, prefix, opts))
      else if (match === 'longest')
        add(rib.longest(family, isAddress ? prefix.replace(/\/\d+$/, '') : prefix, opts))
      else if (match === 'less') for (const e of rib.lessSpecifics(family, prefix, opts)) add(e)
      else {
        let it: Iterable<RibEntry> = rib.moreSpecifics(family, prefix, opts)
        if (q.cursor !== undefined) {
          const k = parsePrefix(decodeCursor('more', q.cursor, isMoreCursor))
          const top = parsePrefix(prefix)!
          if (!k || k.address.length !== top.address.length || !within(k, top))
            throw badRequest('cursor: not a cursor this request gave out (pass back `cursor` as it came)')
          it = entriesAfter(rib, family, top, k, opts)
        }
        for (const e of it) {
          if (dtos.length === limit || routes >= ctx.settings.maxResults) {
            cursor = encodeCursor('more', dtos[dtos.length - 1]!.prefix!)
            break
          }
          add(e)
        }
      }
    } catch (e) {
      if (e instanceof RangeError) throw badRequest(e.message.replace(/^rib: /, ''))
      throw e
    }
    let entries = dtos
    if (wantAge && found.length) {
      const nowUs = ctx.deps.now() * 1000
      const ages = await loadAges(ctx.deps.storage!, found)
      if (ages) {
        entries = dtos.map((d, i) => {
          const rs = found[i]!.routes.filter(keep)
          return { ...d, routes: d.routes.map((r, j) => withAge(r, rs[j]!, ages, nowUs)) }
        })
      }
    }
    const body: LookupResponse = { family, match, prefix, entries, ...(cursor ? { cursor } : {}) }
    return c.json(body as never, 200)
  })
}
