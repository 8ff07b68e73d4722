// POST /api/v1/sql {"query": "SELECT …"}: a read-only query of Routelake's
// tables, answered in ClickHouse's JSON format (meta, data, rows, statistics)
// or, with `Accept: text/csv`, as CSV with a header line.
//
// Two fences, either one enough on its own:
//  1. sql-guard.ts reads the query first and refuses anything but one SELECT
//     of our tables (no table functions, other databases, settings, writes);
//  2. ClickHouse runs it with SETTINGS readonly = 1 and the limits from the
//     config (max_execution_time, max_result_rows, max_result_bytes, with
//     result_overflow_mode = 'throw'), through the storage process that owns
//     the engine. readonly = 1 also forbids changing any setting afterwards.
// With `sql-token` set, the route asks for `Authorization: Bearer <token>`.

import { createHash, timingSafeEqual } from 'node:crypto'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { TABLES } from '../storage/columns.ts'
import { type ApiContext, needStorage } from './deps.ts'
import { ApiError, storageError } from './errors.ts'
import { ErrorSchema, errorResponses, SqlRequestSchema, SqlResponseSchema } from './schemas.ts'
import { guardSql, SqlRefused } from './sql-guard.ts'

const route = createRoute({
  method: 'post',
  path: '/api/v1/sql',
  tags: ['sql'],
  summary: 'Run a read-only SQL query on the stored tables (JSON as ClickHouse writes it, or CSV)',
  description:
    "One SELECT (or WITH … SELECT, EXPLAIN, DESCRIBE TABLE, SHOW TABLES) of the tables messages, updates, peer_events, message_counts_1m and update_counts_1m (docs/storage.md). Table functions, other databases, SETTINGS, FORMAT, INTO OUTFILE and several statements are refused with 400. ClickHouse runs the query read-only with the configured time, row and byte limits (422 when one is reached). Send 'Accept: text/csv' for CSV with a header line.",
  request: {
    body: { content: { 'application/json': { schema: SqlRequestSchema } }, required: true },
    headers: z.object({
      accept: z.string().optional().openapi({ description: 'text/csv for CSV', example: 'text/csv' }),
      authorization: z.string().optional().openapi({ description: 'Bearer <token>, when sql-token is set' }),
    }),
  },
  responses: {
    200: {
      description: "The result: ClickHouse's JSON format, or CSVWithNames",
      content: {
        'application/json': { schema: SqlResponseSchema },
        'text/csv': { schema: z.string().openapi({ example: '"family","n"\n"ipv4-unicast",912345\n' }) },
      },
    },
    401: {
      description: 'The bearer token is missing or wrong',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    403: {
      description: 'ClickHouse refused the query (read-only)',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    422: {
      description: 'The query went over a limit (time, rows, bytes, memory)',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    503: {
      description: 'Storage is off or unavailable',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    ...errorResponses,
  },
})

const digest = (s: string) => createHash('sha256').update(s).digest()

function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '')
  return m !== null && timingSafeEqual(digest(m[1]!.trim()), digest(token))
}

/** The SETTINGS clause every query runs with; readonly last (nothing after it may change a setting). */
export function sqlSettings(ctx: ApiContext): string {
  const s = ctx.settings
  return [
    `max_execution_time = ${s.sqlMaxExecutionTime}`,
    `max_result_rows = ${s.sqlMaxRows}`,
    `max_result_bytes = ${s.sqlMaxBytes}`,
    "result_overflow_mode = 'throw'",
    'max_memory_usage = 4000000000',
    'readonly = 1',
  ].join(', ')
}

export function registerSql(app: OpenAPIHono, ctx: ApiContext): void {
  const tables = Object.keys(TABLES)
  app.openapi(route, async (c) => {
    const token = ctx.settings.sqlToken
    if (token !== undefined && !authorized(c.req.header('authorization'), token)) {
      throw new ApiError(401, 'this route needs Authorization: Bearer <sql-token>', {
        'www-authenticate': 'Bearer',
      })
    }
    const storage = needStorage(ctx)
    const { query } = c.req.valid('json')
    let guarded: ReturnType<typeof guardSql>
    try {
      guarded = guardSql(query, { database: storage.database ?? 'routelake', tables })
    } catch (e) {
      if (e instanceof SqlRefused) throw new ApiError(400, `query refused: ${e.message}`)
      throw e
    }
    const csv = /\btext\/csv\b/i.test(c.req.header('accept') ?? '')
    const sql = `${guarded.sql}\nSETTINGS ${sqlSettings(ctx)}`
    let data: Uint8Array
    try {
      data = await storage.queryFormatted(sql, csv ? 'CSVWithNames' : 'JSON')
    } catch (e) {
      throw storageError(e)
    }
    return new Response(data as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        ...(csv ? { 'content-disposition': 'attachment; filename="query.csv"' } : {}),
      },
    }) as never
  })
}
