// GET /api/v1/collector: who this collector is and how it is doing — name,
// version, uptime, peers up of total, paths held, messages per second.

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { PeerView } from '../session/index.ts'
import type { ApiContext } from './deps.ts'
import type { CollectorDto } from './dto.ts'
import { isoMillis } from './params.ts'
import { CollectorSchema, errorResponses } from './schemas.ts'

/** Messages received per second over about the last minute, from samples taken as it is asked. */
export class MessageRate {
  private readonly samples: { t: number; n: number }[] = []
  private readonly windowMs: number

  constructor(windowMs = 60_000) {
    this.windowMs = windowMs
  }

  /** Records the total at time t (ms) and returns the rate since the oldest sample in the window. */
  sample(t: number, total: number): number {
    const s = this.samples
    if (!s.length || t - s[s.length - 1]!.t >= 1000) s.push({ t, n: total })
    while (s.length > 2 && t - s[1]!.t >= this.windowMs) s.shift()
    const first = s[0]!
    const dt = (t - first.t) / 1000
    return dt > 0 ? Math.max(0, (total - first.n) / dt) : 0
  }
}

export function messagesReceived(views: readonly PeerView[]): number {
  let n = 0
  for (const v of views) for (const c of Object.values(v.counters.messagesReceived)) n += c
  return n
}

const route = createRoute({
  method: 'get',
  path: '/api/v1/collector',
  tags: ['collector'],
  summary: 'The collector: name, version, uptime, peers up, paths held, messages per second',
  responses: {
    200: { description: 'The collector', content: { 'application/json': { schema: CollectorSchema } } },
    ...errorResponses,
  },
})

export function registerCollector(app: OpenAPIHono, ctx: ApiContext): void {
  const rate = new MessageRate()
  const startedAt = ctx.deps.collector?.startedAt ?? ctx.deps.now()
  app.openapi(route, (c) => {
    const now = ctx.deps.now()
    const views = ctx.deps.peers()
    const received = messagesReceived(views)
    const stats = ctx.deps.rib?.stats()
    const info = ctx.deps.collector
    const storage = ctx.deps.storage
    const connected = storage?.stats?.().writer.child?.connected
    const body: CollectorDto = {
      name: info?.name ?? 'routelake',
      version: info?.version ?? 'unknown',
      asn: info?.asn ?? 0,
      routerId: info?.routerId ?? '0.0.0.0',
      startedAt: isoMillis(startedAt),
      uptime: Math.max(0, Math.floor((now - startedAt) / 1000)),
      peers: { up: views.filter((v) => v.state === 'Established').length, total: views.length },
      paths: stats?.paths ?? 0,
      prefixes: stats?.prefixes ?? 0,
      families: stats ? stats.families.map((f) => ({ ...f })) : [],
      messagesPerSecond: Math.round(rate.sample(now, received) * 100) / 100,
      messagesReceived: received,
      storage: storage
        ? { enabled: true, ...(connected !== undefined ? { connected } : {}) }
        : { enabled: false },
    }
    return c.json(body as never, 200)
  })
}
