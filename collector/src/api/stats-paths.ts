// GET /api/v1/stats/paths: how many paths each peer held over time, from the
// stored updates, in uPlot's shape (`data[0]` the times, then one array per
// peer). The web UI's "paths per peer" chart draws it.
//
// Neither the Adj-RIB-In (current state only) nor the minute counts (an
// announcement may replace a path or add one) can say this, so it is counted
// from `updates`: per route (collector, peer, family, prefix, NLRI key, path id) each
// row changes the held count by [this row announces] − [the previous row
// announced], and a peer's count at T is the sum of its changes up to T.
// Synthetic withdrawals (a session lost without graceful restart) are stored
// too, so a lost session drops to zero. The window function reads every row
// of the peers asked for up to `to`: a chart of one collector, not a query
// for an archive of billions of rows (ask for one `peer` there).

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { displayAddress } from '../storage/queries.ts'
import { type ApiContext, needStorage } from './deps.ts'
import { storageError } from './errors.ts'
import { isoMicros } from './params.ts'
import { params, storageErrorResponses } from './schemas.ts'
import { STEPS, seriesWindow } from './stats.ts'

/** Paths held per peer: `data[0]` the interval starts, `data[i]` the count of `series[i - 1]` at each interval's end. */
export interface PathCountsResponse {
  readonly from: string
  readonly to: string
  readonly step: number
  readonly series: readonly { readonly label: string; readonly peer: string }[]
  readonly data: readonly (readonly number[])[]
}

const Time = z.string().openapi({ description: 'ISO 8601, UTC', example: '2024-05-01T12:00:00.000Z' })

export const PathCountsResponseSchema = z
  .strictObject({
    from: Time,
    to: Time,
    step: z.number().int().openapi({ description: 'Seconds per point' }),
    series: z.array(z.strictObject({ label: z.string(), peer: z.string() })),
    data: z.array(z.array(z.number())).openapi({
      description:
        "uPlot's data: [interval starts (Unix seconds), then per peer the paths held at the end of each interval]",
      example: [
        [1714564800, 1714564860],
        [912345, 912350],
      ],
    }),
  })
  .openapi('PathCounts')

const route = createRoute({
  method: 'get',
  path: '/api/v1/stats/paths',
  tags: ['statistics'],
  summary: 'Paths held per peer over time, counted from the stored updates, shaped for uPlot',
  request: {
    query: z.object({
      from: params.Time('Start (default: an hour before to)'),
      to: params.Time('End (default now)'),
      peer: params.Peer,
      step: z
        .string()
        .optional()
        .openapi({ description: `Seconds per point: ${STEPS.join(', ')} (default 60)` }),
    }),
  },
  responses: {
    200: {
      description: 'Paths per peer',
      content: { 'application/json': { schema: PathCountsResponseSchema } },
    },
    ...storageErrorResponses,
  },
})

// Bucket -1 gathers every change before the range: the count the range starts from.
const SQL = (peerCondition: string) => `
SELECT toString(peer_address) AS peer, t, sum(delta) AS d
FROM (
  SELECT peer_address,
    if(time < fromUnixTimestamp64Micro({t_first:Int64}, 'UTC'), -1,
       intDiv(toInt64(toUnixTimestamp(time)) - {first:Int64}, {step:Int64})) AS t,
    toInt64(action = 'announce') - toInt64(lagInFrame(toUInt8(action = 'announce'), 1, 0) OVER w) AS delta
  FROM updates
  WHERE time <= fromUnixTimestamp64Micro({t_end:Int64}, 'UTC') ${peerCondition}
  WINDOW w AS (PARTITION BY collector, peer_address, family, prefix, prefix_length, nlri_key, path_id
               ORDER BY time, sequence ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
GROUP BY peer_address, t
ORDER BY peer_address, t`

export function registerPathCounts(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(route, async (c) => {
    const storage = needStorage(ctx)
    const q = c.req.valid('query')
    const { step, first, last, points, peer } = seriesWindow(q, ctx.deps.now())
    let rows: { peer: string; t: string | number; d: string | number }[]
    try {
      rows = await storage.query(SQL(peer ? 'AND peer_address = toIPv6({f_peer:String})' : ''), {
        t_first: first * 1e6,
        first,
        step,
        t_end: (last + step) * 1e6 - 1,
        ...(peer ? { f_peer: peer } : {}),
      })
    } catch (e) {
      throw storageError(e)
    }
    // Changes per peer and interval, then a running sum: the count at each interval's end.
    const changes = new Map<string, number[]>()
    for (const r of rows) {
      const p = displayAddress(r.peer)
      let col = changes.get(p)
      if (!col) changes.set(p, (col = new Array(points + 1).fill(0)))
      col[Number(r.t) + 1]! += Number(r.d)
    }
    const peers = [...changes.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    const data: number[][] = [Array.from({ length: points }, (_, i) => first + i * step)]
    for (const p of peers) {
      const col = changes.get(p)!
      let held = col[0]!
      data.push(col.slice(1).map((d) => (held += d)))
    }
    const body: PathCountsResponse = {
      from: isoMicros(first * 1e6),
      to: isoMicros(last * 1e6),
      step,
      series: peers.map((p) => ({ label: p, peer: p })),
      data,
    }
    return c.json(body as never, 200)
  })
}
