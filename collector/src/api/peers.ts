// GET /api/v1/peers — every peer, what monitoring scripts and tests poll
// (DESIGN.md "Interfaces": at least address, asn, state, families with their
// path counts) — and GET /api/v1/peers/{peer}, one peer. The DTO is plain
// JSON: times are ISO 8601 text, state names lower case, families keyed by
// their DESIGN.md names.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { openCapabilities } from '../bgp/index.ts'
import type { PeerView } from '../session/index.ts'
import type { ApiContext } from './deps.ts'
import type { FamilyDto, PeerDto, PeerStateName, PeersResponse } from './dto.ts'
import { ApiError } from './errors.ts'
import { parseAddressParam } from './params.ts'
import { ErrorSchema, errorResponses, PeerSchema, PeersResponseSchema } from './schemas.ts'

const iso = (ms: number) => new Date(ms).toISOString()

export function peerDto(v: PeerView, now: number): PeerDto {
  const families: Record<string, FamilyDto> = {}
  for (const [name, f] of Object.entries(v.families)) {
    families[name] = {
      paths: f.paths,
      prefixes: f.prefixes,
      stale: f.stale,
      ...(f.endOfRibAt !== undefined ? { endOfRib: iso(f.endOfRibAt) } : {}),
    }
  }
  return {
    address: v.address,
    asn: v.asn,
    configuredAsn: v.configuredAsn,
    localAsn: v.localAsn,
    ...(v.description !== undefined ? { description: v.description } : {}),
    ...(v.matchedPrefix ? { matchedPrefix: v.matchedPrefix } : {}),
    state: v.state.toLowerCase() as PeerStateName,
    stateSince: iso(v.stateSince),
    ...(v.establishedAt !== undefined
      ? {
          uptime: Math.max(0, Math.floor((now - v.establishedAt) / 1000)),
          establishedAt: iso(v.establishedAt),
        }
      : {}),
    ...(v.routerId ? { routerId: v.routerId } : {}),
    ...(v.hostname ? { hostname: v.hostname } : {}),
    ...(v.softwareVersion ? { softwareVersion: v.softwareVersion } : {}),
    ...(v.remotePort !== undefined ? { remotePort: v.remotePort } : {}),
    ...(v.localAddress ? { localAddress: v.localAddress } : {}),
    ...(v.localPort !== undefined ? { localPort: v.localPort } : {}),
    ...(v.holdTime !== undefined ? { holdTime: v.holdTime, keepaliveTime: v.keepaliveTime ?? 0 } : {}),
    families,
    ...(v.negotiated ? { negotiated: v.negotiated } : {}),
    capabilities: {
      sent: v.openSent ? openCapabilities(v.openSent) : [],
      received: v.openReceived ? openCapabilities(v.openReceived) : [],
    },
    counters: v.counters,
    ...(v.gracefulRestart ? { gracefulRestart: v.gracefulRestart } : {}),
    ...(v.lastError
      ? {
          lastError: {
            at: iso(v.lastError.at),
            direction: v.lastError.direction,
            reason: v.lastError.reason,
            ...(v.lastError.notification ? { notification: v.lastError.notification } : {}),
          },
        }
      : {}),
  }
}

export function sortedPeers(views: readonly PeerView[]): PeerView[] {
  return [...views].sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }))
}

/** The view of the peer named by a path parameter: 400 when it is no address, 404 when no such peer. */
export function findPeer(ctx: ApiContext, text: string): PeerView {
  const { address } = parseAddressParam('peer', text)
  const v = ctx.deps.peers().find((p) => p.address === address)
  if (!v) throw new ApiError(404, `peer: no peer ${address}`)
  return v
}

export const PeerPathParams = z.object({
  peer: z.string().openapi({
    param: { name: 'peer', in: 'path' },
    description: "The peer's address",
    example: '192.0.2.10',
  }),
})

const list = createRoute({
  method: 'get',
  path: '/api/v1/peers',
  tags: ['peers'],
  summary: 'Every peer: state, uptime, AS, router id, both OPENs’ capabilities, per-family paths, counters',
  responses: {
    200: {
      description: 'The peers, by address',
      content: { 'application/json': { schema: PeersResponseSchema } },
    },
    ...errorResponses,
  },
})

const one = createRoute({
  method: 'get',
  path: '/api/v1/peers/{peer}',
  tags: ['peers'],
  summary: 'One peer in detail',
  request: { params: PeerPathParams },
  responses: {
    200: { description: 'The peer', content: { 'application/json': { schema: PeerSchema } } },
    404: { description: 'No such peer', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
})

export function registerPeers(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(list, (c) => {
    const now = ctx.deps.now()
    const body: PeersResponse = { peers: sortedPeers(ctx.deps.peers()).map((p) => peerDto(p, now)) }
    return c.json(body as never, 200)
  })
  app.openapi(one, (c) => {
    const v = findPeer(ctx, c.req.valid('param').peer)
    return c.json(peerDto(v, ctx.deps.now()) as never, 200)
  })
}
