// GET /api/v1/peers/{peer}/routes: one peer's routes from the Adj-RIB-In, by
// family, a page at a time. The cursor is the RIB's listing cursor: a route
// held throughout a listing is returned exactly once, whatever changes.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { loadAges } from './ages.ts'
import { type ApiContext, needRib } from './deps.ts'
import type { PeerRoutesResponse } from './dto.ts'
import { badRequest } from './errors.ts'
import { parseFamilyParam, parseLimit } from './params.ts'
import { findPeer, PeerPathParams } from './peers.ts'
import { peerNames, routeDto, withAge } from './route-view.ts'
import { ErrorSchema, errorResponses, PeerRoutesResponseSchema, params } from './schemas.ts'

const route = createRoute({
  method: 'get',
  path: '/api/v1/peers/{peer}/routes',
  tags: ['peers'],
  summary: "A peer's routes, by family, a page at a time",
  request: {
    params: PeerPathParams,
    query: z.object({
      family: params.Family,
      limit: params.Limit(100),
      cursor: params.Cursor,
      age: z
        .string()
        .optional()
        .openapi({ description: 'Look up when each path was announced (default true)' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of routes',
      content: { 'application/json': { schema: PeerRoutesResponseSchema } },
    },
    404: { description: 'No such peer', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
})

export function registerRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(route, async (c) => {
    const rib = needRib(ctx)
    const view = findPeer(ctx, c.req.valid('param').peer)
    const q = c.req.valid('query')
    const family = q.family === undefined ? undefined : parseFamilyParam('family', q.family)
    const limit = parseLimit(q.limit, 100, ctx.settings.maxResults)
    const names = peerNames(
      (id) => rib.peerName(id),
      () => view.asn,
    )
    // The RIB knows a peer once it has sent something; one that never did has no routes.
    const known = rib.peers().some((id) => rib.peerName(id) === view.address)
    let page: ReturnType<typeof rib.list> = { routes: [] }
    if (known) {
      try {
        page = rib.list(rib.peer(view.address), {
          ...(family ? { family } : {}),
          limit,
          ...(q.cursor ? { cursor: q.cursor } : {}),
        })
      } catch (e) {
        if (e instanceof RangeError) throw badRequest(`cursor: ${e.message.replace(/^rib: /, '')}`)
        throw e
      }
    }
    const nowUs = ctx.deps.now() * 1000
    const wantAge = q.age !== 'false' && ctx.deps.storage !== undefined
    // Read every attribute handle before awaiting anything: the RIB may change meanwhile.
    const entries = page.routes.map((r) => ({
      family: r.family,
      key: r.key,
      prefix: r.prefix,
      rd: r.rd,
      routes: [r],
    }))
    let routes = page.routes.map((r) => routeDto(r, names))
    if (wantAge) {
      const ages = await loadAges(ctx.deps.storage!, entries)
      routes = routes.map((d, i) => withAge(d, page.routes[i]!, ages, nowUs))
    }
    const body: PeerRoutesResponse = {
      peer: view.address,
      ...(family ? { family } : {}),
      routes,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    }
    return c.json(body as never, 200)
  })
}
