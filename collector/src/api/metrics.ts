// GET /metrics: the Prometheus text format (version 0.0.4). Sessions (state,
// uptime, messages by type, paths per family, RFC 7606 problems), the
// Adj-RIB-In, every bus queue (depth, capacity, delivered, dropped, failed —
// each sink's queue is one), storage (batches, spool, inserted rows, events
// lost, lag) and each sink's own figures. Counters end in _total.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { LiveStats } from '../sinks/live/index.ts'
import type { ApiContext } from './deps.ts'
import type { RateLimiter } from './rate-limit.ts'

type Labels = Readonly<Record<string, string | number>>

/** Builds the exposition text: one HELP and TYPE per metric, then its samples. */
export class Exposition {
  private readonly lines: string[] = []
  private readonly declared = new Set<string>()

  metric(name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Labels, number][]): void {
    if (!samples.length) return
    if (!this.declared.has(name)) {
      this.declared.add(name)
      this.lines.push(`# HELP ${name} ${help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`)
      this.lines.push(`# TYPE ${name} ${type}`)
    }
    for (const [labels, value] of samples)
      this.lines.push(`${name}${labelText(labels)} ${formatValue(value)}`)
  }

  one(name: string, type: 'gauge' | 'counter', help: string, value: number, labels: Labels = {}): void {
    this.metric(name, type, help, [[labels, value]])
  }

  text(): string {
    return `${this.lines.join('\n')}\n`
  }
}

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels)
  if (!keys.length) return ''
  return `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',')}}`
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Number.POSITIVE_INFINITY) return '+Inf'
  if (v === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(v)
}

/** A metric-name fragment from a figure's path: "handedOver.events" → "handed_over_events". */
function snake(path: readonly string[]): string {
  return path
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase()
}

/** Numeric (and boolean) leaves of a figures object, with their paths. */
function leaves(o: unknown, path: string[] = [], out: [string[], number][] = []): [string[], number][] {
  if (typeof o === 'number' && Number.isFinite(o)) out.push([path, o])
  else if (typeof o === 'boolean') out.push([path, o ? 1 : 0])
  else if (o && typeof o === 'object' && !Array.isArray(o))
    for (const [k, v] of Object.entries(o)) leaves(v, [...path, k], out)
  return out
}

/** Seconds storage has had something not yet stored: measured whenever figures are read. */
export class StorageLag {
  private idleAt: number | undefined

  sample(now: number, pending: boolean): number {
    if (!pending || this.idleAt === undefined) {
      this.idleAt = now
      return 0
    }
    return (now - this.idleAt) / 1000
  }
}

const STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const

export function metricsText(ctx: ApiContext, lag: StorageLag, limiter: RateLimiter | undefined): string {
  const d = ctx.deps
  const now = d.now()
  const e = new Exposition()
  const info = d.collector
  e.one('routelake_build_info', 'gauge', 'The collector: version and name, always 1', 1, {
    version: info?.version ?? 'unknown',
    host: info?.name ?? 'routelake',
  })
  if (info)
    e.one(
      'routelake_start_time_seconds',
      'gauge',
      'When the collector started (Unix seconds)',
      info.startedAt / 1000,
    )

  // Sessions.
  const views = d.peers()
  e.metric(
    'routelake_peers',
    'gauge',
    'Peers by session state (RFC 4271 §8.2.2)',
    STATES.map((s) => [{ state: s.toLowerCase() }, views.filter((v) => v.state === s).length]),
  )
  const peerLabel = (v: (typeof views)[number]) => ({ peer: v.address, asn: v.asn ?? '' })
  e.metric(
    'routelake_peer_up',
    'gauge',
    'The session is Established (1) or not (0)',
    views.map((v) => [peerLabel(v), v.state === 'Established' ? 1 : 0]),
  )
  e.metric(
    'routelake_peer_uptime_seconds',
    'gauge',
    'Seconds since the session was established',
    views
      .filter((v) => v.establishedAt !== undefined)
      .map((v) => [peerLabel(v), Math.max(0, (now - v.establishedAt!) / 1000)]),
  )
  e.metric(
    'routelake_peer_sessions_established_total',
    'counter',
    'Times the session reached Established',
    views.map((v) => [peerLabel(v), v.counters.establishedCount]),
  )
  const byType = (pick: (v: (typeof views)[number]) => Readonly<Record<string, number>>) =>
    views.flatMap((v) =>
      Object.entries(pick(v)).map(([type, n]): [Labels, number] => [{ peer: v.address, type }, n]),
    )
  e.metric(
    'routelake_bgp_messages_received_total',
    'counter',
    'BGP messages received, by type',
    byType((v) => v.counters.messagesReceived),
  )
  e.metric(
    'routelake_bgp_messages_sent_total',
    'counter',
    'BGP messages sent, by type',
    byType((v) => v.counters.messagesSent),
  )
  e.metric(
    'routelake_peer_announced_total',
    'counter',
    'Paths announced (NLRI in UPDATEs)',
    views.map((v) => [{ peer: v.address }, v.counters.announced]),
  )
  e.metric(
    'routelake_peer_withdrawn_total',
    'counter',
    'Paths withdrawn',
    views.map((v) => [{ peer: v.address }, v.counters.withdrawn]),
  )
  e.metric(
    'routelake_peer_paths',
    'gauge',
    'Paths held in the Adj-RIB-In, per peer and family',
    views.flatMap((v) =>
      Object.entries(v.families).map(([family, f]): [Labels, number] => [
        { peer: v.address, family },
        f.paths,
      ]),
    ),
  )
  e.metric(
    'routelake_peer_stale_paths',
    'gauge',
    'Paths kept stale through a graceful restart',
    views.flatMap((v) =>
      Object.entries(v.families).map(([family, f]): [Labels, number] => [
        { peer: v.address, family },
        f.stale,
      ]),
    ),
  )
  e.metric(
    'routelake_update_problems_total',
    'counter',
    'RFC 7606 problems in received UPDATEs, by action and kind',
    views.flatMap((v) =>
      Object.entries(v.counters.problems).flatMap(([action, kinds]) =>
        Object.entries(kinds).map(([kind, n]): [Labels, number] => [{ peer: v.address, action, kind }, n]),
      ),
    ),
  )
  const s = d.sessions?.stats()
  if (s)
    e.one(
      'routelake_connections_rejected_total',
      'counter',
      'Connections from addresses that are not configured peers',
      s.rejectedConnections,
    )

  // The Adj-RIB-In.
  const rib = d.rib?.stats()
  if (rib) {
    e.one('routelake_rib_paths', 'gauge', 'Paths in the Adj-RIB-In', rib.paths)
    e.one('routelake_rib_prefixes', 'gauge', 'Distinct keys (prefixes) in the Adj-RIB-In', rib.prefixes)
    e.one('routelake_rib_attribute_sets', 'gauge', 'Interned attribute sets', rib.attributeSets)
    e.one('routelake_rib_attribute_bytes', 'gauge', 'Octets of interned attributes', rib.attributeBytes)
    e.one('routelake_rib_storage_bytes', 'gauge', "Octets of the RIB's typed arrays", rib.storageBytes)
    e.metric(
      'routelake_rib_family_paths',
      'gauge',
      'Paths per family',
      rib.families.map((f) => [{ family: f.family }, f.paths]),
    )
  }

  // The bus and its queues (one per sink).
  const bus = d.bus?.stats()
  if (bus) {
    e.one('routelake_bus_events_published_total', 'counter', 'Events the sessions published', bus.published)
    const q = bus.subscriptions
    e.metric(
      'routelake_queue_depth',
      'gauge',
      'Events waiting in a sink queue',
      q.map((x) => [{ queue: x.name }, x.queued]),
    )
    e.metric(
      'routelake_queue_capacity',
      'gauge',
      'Capacity of a sink queue',
      q.map((x) => [{ queue: x.name }, x.capacity]),
    )
    e.metric(
      'routelake_queue_delivered_total',
      'counter',
      'Events a sink handled',
      q.map((x) => [{ queue: x.name }, x.delivered]),
    )
    e.metric(
      'routelake_queue_dropped_total',
      'counter',
      'Events dropped because a sink queue was full',
      q.map((x) => [{ queue: x.name }, x.dropped]),
    )
    e.metric(
      'routelake_queue_failed_total',
      'counter',
      'Events a sink failed to handle',
      q.map((x) => [{ queue: x.name }, x.failed]),
    )
  }

  // Storage.
  const st = d.storage?.stats?.()
  if (st) {
    const w = st.writer
    const c = w.child
    e.one(
      'routelake_storage_connected',
      'gauge',
      'ClickHouse is reachable and migrated',
      c?.connected ? 1 : 0,
    )
    e.one('routelake_storage_writer_running', 'gauge', 'The storage writer process runs', w.running ? 1 : 0)
    e.one(
      'routelake_storage_writer_restarts_total',
      'counter',
      'Times the storage writer was restarted',
      w.restarts,
    )
    e.one('routelake_storage_open_events', 'gauge', 'Events in the batch being filled', st.open.events)
    e.one(
      'routelake_storage_events_handed_over_total',
      'counter',
      'Events handed to the storage writer',
      st.handedOver.events,
    )
    e.one(
      'routelake_storage_batches_handed_over_total',
      'counter',
      'Batches handed to the storage writer',
      st.handedOver.batches,
    )
    e.one(
      'routelake_storage_inflight_batches',
      'gauge',
      'Batches not yet acknowledged by the writer',
      w.inflightBatches,
    )
    e.one(
      'routelake_storage_inflight_bytes',
      'gauge',
      'Octets of batches not yet acknowledged',
      w.inflightBytes,
    )
    e.one(
      'routelake_storage_deferred_total',
      'counter',
      'Events queued on the bus while the writer was full',
      st.deferred,
    )
    e.one(
      'routelake_storage_dropped_events_total',
      'counter',
      'Events lost (bus queue full, spool full or failing)',
      st.dropped,
    )
    e.one(
      'routelake_storage_rejected_events_total',
      'counter',
      'Events in batches ClickHouse refused as malformed',
      st.rejected,
    )
    if (c) {
      e.one(
        'routelake_storage_spooled_batches',
        'gauge',
        'Batches waiting in the spool for ClickHouse',
        c.spooledBatches,
      )
      e.one('routelake_storage_spooled_bytes', 'gauge', 'Octets waiting in the spool', c.spooledBytes)
      e.one(
        'routelake_storage_inserted_batches_total',
        'counter',
        'Batches inserted into ClickHouse',
        c.insertedBatches,
      )
      e.metric(
        'routelake_storage_inserted_rows_total',
        'counter',
        'Rows inserted, per table',
        Object.entries(c.insertedRows).map(([table, n]) => [{ table }, n]),
      )
      e.one(
        'routelake_storage_failed_inserts_total',
        'counter',
        'Inserts that failed (and were retried)',
        c.failedInserts,
      )
      e.one('routelake_storage_insert_seconds_total', 'counter', 'Seconds spent inserting', c.insertSeconds)
    }
    const pending = st.open.events > 0 || w.inflightBatches > 0 || (c?.spooledBatches ?? 0) > 0
    e.one(
      'routelake_storage_lag_seconds',
      'gauge',
      'Seconds storage has had events not yet stored (0: caught up)',
      lag.sample(now, pending),
    )
  }

  // The live feed (docs/live.md): clients, what they were sent, and what they lost.
  const live = d.sinks?.().find((x) => x.name === 'live')?.figures as LiveStats | undefined
  if (live) {
    e.metric('routelake_live_clients', 'gauge', 'Live feed clients connected, by transport', [
      [{ transport: 'websocket' }, live.clients.websocket],
      [{ transport: 'stream' }, live.clients.stream],
    ])
    e.one('routelake_live_subscriptions', 'gauge', 'Live feed subscriptions', live.subscriptions)
    e.one('routelake_live_messages_total', 'counter', 'ris_messages sent to live clients', live.delivered)
    e.one('routelake_live_sent_bytes_total', 'counter', 'Octets of ris_messages sent', live.deliveredBytes)
    e.one(
      'routelake_live_slow_consumer_disconnects_total',
      'counter',
      'Live clients cut off (4001) because their send buffer passed live-max-buffer',
      live.slowConsumers,
    )
    e.one(
      'routelake_live_slow_consumer_lost_messages_total',
      'counter',
      'Messages slow consumers did not get when they were cut off',
      live.droppedMessages,
    )
    e.one(
      'routelake_live_dropped_messages_total',
      'counter',
      'Messages the live feed dropped for every client because its queue (live-queue) was full',
      live.queue.dropped,
    )
    e.one(
      'routelake_live_drop_disconnects_total',
      'counter',
      'Live clients told of dropped messages and closed (4003)',
      live.dropClosures,
    )
    e.metric('routelake_live_rejected_total', 'counter', 'Live connections and subscriptions refused', [
      [{ what: 'connection' }, live.rejectedConnections],
      [{ what: 'subscription' }, live.rejectedSubscriptions],
    ])
    e.one('routelake_live_errors_total', 'counter', 'ris_error messages sent', live.errors)
    e.metric('routelake_live_latency_seconds', 'gauge', 'Decode to client socket write, live messages', [
      [{ quantile: '0.5' }, live.latency.p50Ms / 1000],
      [{ quantile: '0.99' }, live.latency.p99Ms / 1000],
    ])
  }

  // Sinks' own figures.
  // Samples of one metric stay together (the text format asks for it).
  const figures = new Map<string, [Labels, number][]>()
  for (const sink of d.sinks?.() ?? []) {
    for (const [path, v] of leaves(sink.figures ?? {})) {
      const name = `routelake_sink_${snake(path)}`
      let list = figures.get(name)
      if (!list) {
        list = []
        figures.set(name, list)
      }
      list.push([{ sink: sink.name }, v])
    }
  }
  for (const [name, samples] of figures) e.metric(name, 'gauge', 'A figure the sink reports', samples)
  if (limiter)
    e.one(
      'routelake_http_rate_limited_total',
      'counter',
      'HTTP requests refused by the rate limit',
      limiter.refused(),
    )
  return e.text()
}

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics: sessions, messages, paths, queues and drops, storage lag',
  responses: {
    200: {
      description: 'Prometheus text format 0.0.4',
      content: {
        'text/plain': { schema: z.string().openapi({ example: 'routelake_peers{state="established"} 4' }) },
      },
    },
  },
})

export function registerMetrics(
  app: OpenAPIHono,
  ctx: ApiContext,
  lag: StorageLag,
  limiter: RateLimiter | undefined,
): void {
  app.openapi(route, (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
    return c.body(metricsText(ctx, lag, limiter), 200) as never
  })
}
