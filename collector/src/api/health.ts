// GET /healthz: the process serves. 200 with status "ok", or "degraded"
// when storage is unavailable or the writer is down (the collector goes on
// receiving and spools; a liveness probe should not restart it for that).

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { ApiContext } from './deps.ts'
import type { HealthResponse } from './dto.ts'
import type { StorageLag } from './metrics.ts'
import { HealthResponseSchema } from './schemas.ts'

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Health: ok, or degraded when storage is unavailable',
  responses: {
    200: { description: 'Serving', content: { 'application/json': { schema: HealthResponseSchema } } },
  },
})

export function registerHealth(app: OpenAPIHono, ctx: ApiContext, lag: StorageLag): void {
  app.openapi(route, (c) => {
    const now = ctx.deps.now()
    const views = ctx.deps.peers()
    const st = ctx.deps.storage?.stats?.()
    const child = st?.writer.child
    const storage = st
      ? {
          running: st.writer.running,
          connected: child?.connected ?? false,
          spooledBatches: child?.spooledBatches ?? 0,
          ...(child?.lastError ? { lastError: child.lastError } : {}),
        }
      : undefined
    if (st)
      lag.sample(now, st.open.events > 0 || st.writer.inflightBatches > 0 || (child?.spooledBatches ?? 0) > 0)
    const started = ctx.deps.collector?.startedAt ?? now
    const body: HealthResponse = {
      status: storage && (!storage.running || !storage.connected) ? 'degraded' : 'ok',
      uptime: Math.max(0, Math.floor((now - started) / 1000)),
      peers: { up: views.filter((v) => v.state === 'Established').length, total: views.length },
      ...(storage ? { storage } : {}),
    }
    return c.json(body as never, 200)
  })
}
