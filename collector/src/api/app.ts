// The HTTP API: one Hono app (@hono/zod-openapi) on the collector's HTTP
// listener, beside the live feed (/v1/ws/, /v1/stream/). Every route lives in
// its own file and registers itself here; this file adds what they share:
//
//   CORS (api-cors-origins)  a per-client-address rate limit (api-rate-limit)
//   compression (gzip/deflate of JSON, CSV and text)   400 with the reason for
//   invalid input   errors as {"status", "error"}, never a stack trace
//
// /healthz and /metrics are not rate limited (probes and scrapers poll them).

import type { IncomingMessage, ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Hono } from 'hono'
import { cors } from 'hono/cors'
import { registerCollector } from './collector.ts'
import { compression } from './compression.ts'
import { type ApiContext, type ApiDeps, apiContext } from './deps.ts'
import { errorHandler, errorResponse, validationHook } from './errors.ts'
import { registerHealth } from './health.ts'
import { registerHistory } from './history.ts'
import { registerLookup } from './lookup.ts'
import { registerMetrics, StorageLag } from './metrics.ts'
import { registerMrtExport } from './mrt-export.ts'
import { registerMrtFiles } from './mrt-files.ts'
import { registerOpenApi } from './openapi.ts'
import { registerPeers } from './peers.ts'
import { rateLimiter } from './rate-limit.ts'
import { registerRoutes } from './routes.ts'
import { registerSearch } from './search.ts'
import { registerSql } from './sql.ts'
import { registerStats } from './stats.ts'
import { registerPathCounts } from './stats-paths.ts'
import { registerWeb } from './web.ts'

export type { ApiDeps } from './deps.ts'

export function createApi(deps: ApiDeps): Hono {
  const ctx: ApiContext = apiContext(deps)
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.onError(errorHandler(deps.logger))
  app.notFound((c) => errorResponse(404, `no route ${c.req.method} ${c.req.path}`))

  const live = deps.liveStream
  if (live) {
    for (const path of ['/v1/stream/', '/v1/stream']) {
      app.get(path, (c) => {
        const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined
        if (!env?.incoming || !env.outgoing) return c.text('the live stream needs the node HTTP server', 501)
        live(env.incoming, env.outgoing)
        return RESPONSE_ALREADY_SENT
      })
    }
  }

  const origins = ctx.settings.corsOrigins
  if (origins.length) {
    app.use(
      '/api/*',
      cors({
        origin: origins.includes('*') ? '*' : [...origins],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['Content-Type', 'Authorization', 'Accept'],
        exposeHeaders: ['Content-Disposition', 'Retry-After'],
        maxAge: 600,
      }),
    )
  }
  const limiter = ctx.settings.rateLimit > 0 ? rateLimiter(ctx.settings.rateLimit, deps.now) : undefined
  if (limiter) app.use('/api/*', limiter.middleware)
  // JSON is UTF-8 (RFC 8259 §8.1); said so, as clients and the tests of GET /api/v1/peers expect.
  app.use('/api/*', async (c, next) => {
    await next()
    if (c.res.headers.get('content-type') === 'application/json') {
      c.res.headers.set('content-type', 'application/json; charset=utf-8')
    }
  })
  app.use('/api/*', compression())
  app.use('/metrics', compression())

  const lag = new StorageLag()
  registerCollector(app, ctx)
  registerPeers(app, ctx)
  registerRoutes(app, ctx)
  registerLookup(app, ctx)
  registerSearch(app, ctx)
  registerHistory(app, ctx)
  registerStats(app, ctx)
  registerPathCounts(app, ctx)
  registerSql(app, ctx)
  registerMrtExport(app, ctx)
  registerMrtFiles(app, ctx)
  registerMetrics(app, ctx, lag, limiter)
  registerHealth(app, ctx, lag)
  registerOpenApi(app, ctx)
  // Last: the web UI's catch-all GET must not shadow any API route.
  registerWeb(app, deps.webRoot)
  return app as unknown as Hono
}
