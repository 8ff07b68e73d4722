// GET /api/v1/stats: per-minute counts from storage's materialized views
// (updates, announcements, withdrawals, messages), in the shape uPlot draws:
// `data[0]` the minutes as Unix seconds, then one array per series, every
// minute of the range present (0 where nothing was counted). `by=peer` gives
// each peer its own series; `step` sums minutes into coarser points.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { minuteCounts } from '../storage/queries.ts'
import { type ApiContext, needStorage } from './deps.ts'
import type { StatsResponse, StatsSeriesDto } from './dto.ts'
import { badRequest, storageError } from './errors.ts'
import { isoMicros, parseAddressParam, timeRange } from './params.ts'
import { params, StatsResponseSchema, storageErrorResponses } from './schemas.ts'

export const STEPS = [60, 300, 900, 3600, 86400] as const
/** Points one series may have. */
export const MAX_POINTS = 100_000

const route = createRoute({
  method: 'get',
  path: '/api/v1/stats',
  tags: ['statistics'],
  summary:
    'Per-minute updates, announcements, withdrawals and messages (total or per peer), shaped for uPlot',
  request: {
    query: z.object({
      from: params.Time('Start (default: an hour before to)'),
      to: params.Time('End (default now)'),
      peer: params.Peer,
      by: z
        .enum(['total', 'peer'])
        .optional()
        .openapi({ description: 'total (default) or one series per peer' }),
      step: z
        .string()
        .optional()
        .openapi({ description: `Seconds per point: ${STEPS.join(', ')} (default 60)` }),
    }),
  },
  responses: {
    200: { description: 'Time series', content: { 'application/json': { schema: StatsResponseSchema } } },
    ...storageErrorResponses,
  },
})

type Metric = StatsSeriesDto['metric']
const TOTAL_METRICS: readonly Metric[] = ['updates', 'announcements', 'withdrawals', 'messages']
const PEER_METRICS: readonly Metric[] = ['updates', 'announcements', 'withdrawals']

/**
 * The points of a time series request: `step` seconds each (one of STEPS,
 * default 60), aligned to it, from `from` (default an hour before `to`) to
 * `to` (default now); at most MAX_POINTS. And its peer filter.
 */
export function seriesWindow(
  q: { from?: string; to?: string; step?: string; peer?: string },
  nowMs: number,
): { step: number; first: number; last: number; points: number; peer: string | undefined } {
  const range = timeRange(q.from, q.to)
  const step = q.step === undefined ? 60 : Number(q.step)
  if (!(STEPS as readonly number[]).includes(step))
    throw badRequest(`step: '${q.step}' is not one of ${STEPS.join(', ')}`)
  const toS = Math.floor((range.to ?? nowMs * 1000) / 1e6)
  const fromS = range.from === undefined ? toS - 3600 : Math.floor(range.from / 1e6)
  const first = Math.floor(fromS / step) * step
  const last = Math.floor(toS / step) * step
  const points = (last - first) / step + 1
  if (points > MAX_POINTS)
    throw badRequest(`from, to: ${points} points of ${step} s; at most ${MAX_POINTS} (use a larger step)`)
  const peer = q.peer === undefined ? undefined : parseAddressParam('peer', q.peer).address
  return { step, first, last, points, peer }
}

export function registerStats(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(route, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const { step, first, last, points, peer } = seriesWindow(q, ctx.deps.now())
    let rows: Awaited<ReturnType<typeof minuteCounts>>
    try {
      rows = await minuteCounts(storage, {
        from: first * 1e6,
        to: (last + step - 1) * 1e6,
        ...(peer ? { peer } : {}),
      })
    } catch (e) {
      throw storageError(e)
    }
    const xs = Array.from({ length: points }, (_, i) => first + i * step)
    const series: StatsSeriesDto[] = []
    const data: number[][] = [xs]
    const columns = new Map<string, number[]>()
    const column = (label: string, metric: Metric, p?: string): number[] => {
      const k = `${p ?? ''}|${metric}`
      let col = columns.get(k)
      if (!col) {
        col = new Array(points).fill(0)
        columns.set(k, col)
        series.push({ label, metric, ...(p !== undefined ? { peer: p } : {}) })
        data.push(col)
      }
      return col
    }
    const byPeer = q.by === 'peer'
    if (!byPeer) for (const m of TOTAL_METRICS) column(m, m)
    const peers = byPeer
      ? [...new Set(rows.map((r) => r.peer))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      : []
    for (const p of peers) for (const m of PEER_METRICS) column(`${p} ${m}`, m, p)
    for (const r of rows) {
      const i = Math.floor((r.minute - first) / step)
      if (i < 0 || i >= points) continue
      const values: Record<Metric, number> = {
        updates: r.updates,
        announcements: r.announcements,
        withdrawals: r.withdrawals,
        messages: r.messages,
      }
      for (const m of byPeer ? PEER_METRICS : TOTAL_METRICS)
        column(byPeer ? `${r.peer} ${m}` : m, m, byPeer ? r.peer : undefined)[i]! += values[m]
    }
    const body: StatsResponse = {
      from: isoMicros(first * 1e6),
      to: isoMicros(last * 1e6),
      step,
      series,
      data,
    }
    return c.json(body as never, 200)
  })
}
