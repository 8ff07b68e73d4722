// The collector's HTTP API as the views call it: same origin, JSON in and
// out, errors as the API words them ({"status", "error"}). The shapes are the
// API's own DTO types, imported as types only (nothing of the collector is
// bundled).

export type * from '../../collector/src/api/dto.ts'
export type { PathCountsResponse } from '../../collector/src/api/stats-paths.ts'

/** A failed request: the HTTP status (0 when the collector could not be reached) and the reason. */
export class ApiProblem extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'ApiProblem'
    this.status = status
  }
}

export type Params = Readonly<Record<string, string | number | boolean | undefined | null>>

/** `path?query` with the empty parameters left out. */
export function url(path: string, params: Params = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

/** Turns a non-2xx answer into an ApiProblem carrying the API's own words. */
export async function problem(res: Response): Promise<ApiProblem> {
  const text = await res.text().catch(() => '')
  let message = text.trim() || res.statusText || 'request failed'
  try {
    const body = JSON.parse(text) as { error?: unknown }
    if (typeof body.error === 'string') message = body.error
  } catch {
    // not JSON: the text as it came
  }
  return new ApiProblem(res.status, message)
}

/** fetch, with "cannot reach the collector" as an ApiProblem instead of a bare TypeError. */
export async function request(input: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(input, init)
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiProblem(0, `cannot reach the collector (${(e as Error).message})`)
  }
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const res = await request(url(path, params), {
    headers: { accept: 'application/json' },
    ...(signal ? { signal } : {}),
  })
  if (!res.ok) throw await problem(res)
  return (await res.json()) as T
}

/** POST /api/v1/sql: the raw answer (JSON or CSV), or the API's error. */
export async function postSql(
  query: string,
  format: 'json' | 'csv',
  signal?: AbortSignal,
): Promise<Response> {
  const res = await request('/api/v1/sql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: format === 'csv' ? 'text/csv' : 'application/json',
    },
    body: JSON.stringify({ query }),
    ...(signal ? { signal } : {}),
  })
  if (!res.ok) throw await problem(res)
  return res
}

/** True for the error a fetch throws when its view was left: nothing to show. */
export function isAbort(e: unknown): boolean {
  return (e as Error | undefined)?.name === 'AbortError'
}
