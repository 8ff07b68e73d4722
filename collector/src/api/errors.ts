// Errors as the API answers them: `{ "status": N, "error": "reason" }` with
// that HTTP status. Bad input is 400 with the reason in words; nothing
// unexpected ever shows its stack: it is logged, and the client reads
// "internal error".

import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import type { Logger } from '../log/logger.ts'
import type { ErrorDto } from './dto.ts'

export class ApiError extends Error {
  readonly status: ContentfulStatusCode
  readonly headers: Readonly<Record<string, string>>
  constructor(status: ContentfulStatusCode, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.headers = headers
  }
}

/** 400 with a reason. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, message)
}

export function errorBody(status: number, error: string): ErrorDto {
  return { status, error }
}

export function errorResponse(
  status: ContentfulStatusCode,
  error: string,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify(errorBody(status, error)), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/** A zod validation failure as one line: "prefix: not a prefix; limit: too big". */
export function describeZodError(e: ZodError): string {
  return e.issues
    .map((i) => {
      const where = i.path.length ? `${i.path.join('.')}: ` : ''
      return `${where}${i.message}`
    })
    .join('; ')
}

/** The hook of every validated route: invalid input is a 400 with the reasons. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined
  return c.json(errorBody(400, describeZodError(result.error)), 400)
}

/** The app's onError: ApiError and HTTPException as they say; anything else logged, answered 500. */
export function errorHandler(logger: Logger | undefined) {
  return (e: Error, c: Context): Response => {
    if (e instanceof ApiError) return errorResponse(e.status, e.message, { ...e.headers })
    if (e instanceof HTTPException) {
      const status = e.status as ContentfulStatusCode
      return errorResponse(status, e.message || (status === 401 ? 'unauthorized' : 'request refused'))
    }
    logger?.error('API request failed', {
      method: c.req.method,
      path: c.req.path,
      reason: e.message,
      stack: e.stack ?? '',
    })
    return errorResponse(500, 'internal error')
  }
}

/**
 * A storage failure as an ApiError. The storage child reports ClickHouse
 * errors as "CODE: message" (first line only, no stack trace): limits are
 * 422, refusals 403, other query errors 400, an unreachable store 503.
 */
export function storageError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const text = e instanceof Error ? e.message : String(e)
  const m = /^(\d+): (.*)$/s.exec(text)
  const message = (m ? m[2]! : text)
    .split('\n')[0]!
    .replace(/\s*Stack trace:.*$/s, '')
    .slice(0, 1000)
  if (!m) {
    if (/unavailable|not running|exited|ECONNREFUSED/.test(text))
      return new ApiError(503, `storage: ${message}`)
    return new ApiError(500, 'storage: internal error')
  }
  const code = Number(m[1])
  // READONLY, ACCESS_DENIED, SETTING_CONSTRAINT_VIOLATION, QUERY_IS_PROHIBITED
  if ([164, 497, 452, 290].includes(code))
    return new ApiError(403, `ClickHouse refused the query: ${message}`)
  // TOO_MANY_ROWS, TIMEOUT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, TOO_MANY_BYTES, TOO_MANY_ROWS_OR_BYTES, QUERY_WAS_CANCELLED
  if ([158, 159, 241, 307, 396, 394].includes(code))
    return new ApiError(422, `the query went over a limit: ${message}`)
  // Network and server trouble: the store is unreachable.
  if ([209, 210, 425, 1000].includes(code)) return new ApiError(503, `storage: ${message}`)
  return new ApiError(400, `ClickHouse: ${message}`)
}
