// GET /api/v1/openapi.json: the OpenAPI 3.0 document, generated from the
// route definitions (@hono/zod-openapi), so it always says what the routes
// validate and answer.

import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ApiContext } from './deps.ts'

export const OPENAPI_PATH = '/api/v1/openapi.json'

export function registerOpenApi(app: OpenAPIHono, ctx: ApiContext): void {
  app.doc(OPENAPI_PATH, {
    openapi: '3.0.3',
    info: {
      title: 'Routelake looking glass',
      version: ctx.deps.collector?.version.replace(/^Routelake /, '') ?? '0.1.0',
      description:
        'A passive BGP route collector: current routes from the in-memory Adj-RIB-In, history and SQL from ClickHouse, MRT export, statistics. Times are accepted as Unix seconds or ISO 8601 and answered as ISO 8601 (UTC). Errors are {"status": N, "error": "reason"}. The live feed (RIS Live protocol) is at /v1/ws/ and /v1/stream/ (docs/live.md).',
      license: { name: 'MIT' },
    },
    tags: [
      { name: 'collector' },
      { name: 'peers' },
      { name: 'looking glass' },
      { name: 'history' },
      { name: 'statistics' },
      { name: 'sql' },
      { name: 'mrt' },
      { name: 'operations' },
    ],
  })
}
