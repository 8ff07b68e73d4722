// A per-client-address rate limit: a token bucket per address holding ten
// seconds' worth of requests, refilled at `perMinute / 60` a second. A
// request that finds the bucket empty is answered 429 with Retry-After.
// Buckets that filled up again are forgotten, so the table stays as small as
// the set of addresses that were busy in the last ten seconds.

import type { MiddlewareHandler } from 'hono'
import { errorResponse } from './errors.ts'

interface Bucket {
  tokens: number
  at: number
}

export interface RateLimiter {
  readonly middleware: MiddlewareHandler
  /** Requests refused so far. */
  readonly refused: () => number
}

/** The client's address: the TCP peer of the node server, or "local" for in-process app.request(). */
export function clientAddress(env: unknown): string {
  const e = env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  const a = e?.incoming?.socket?.remoteAddress
  if (!a) return 'local'
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a
}

export function rateLimiter(perMinute: number, now: () => number): RateLimiter {
  const rate = perMinute / 60_000
  const capacity = Math.max(1, Math.ceil(perMinute / 6))
  const buckets = new Map<string, Bucket>()
  let refused = 0
  let sweepAt = 0
  const sweep = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + (t - b.at) * rate >= capacity) buckets.delete(k)
  }
  const middleware: MiddlewareHandler = async (c, next) => {
    if (perMinute <= 0) return next()
    const t = now()
    if (t >= sweepAt) {
      sweep(t)
      sweepAt = t + 10_000
    }
    const key = clientAddress(c.env)
    let b = buckets.get(key)
    if (!b) {
      b = { tokens: capacity, at: t }
      buckets.set(key, b)
    }
    b.tokens = Math.min(capacity, b.tokens + (t - b.at) * rate)
    b.at = t
    if (b.tokens < 1) {
      refused++
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000))
      return errorResponse(429, `rate limit: at most ${perMinute} requests a minute per address`, {
        'retry-after': String(wait),
      })
    }
    b.tokens -= 1
    return next()
  }
  return { middleware, refused: () => refused }
}
