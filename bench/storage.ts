// `npm run bench -- storage`: ClickHouse storage with the embedded engine.
//
//  1. Load: a collector (createCollector, storage on) receives a synthetic
//     full table from each of 4 peers over real BGP sessions (`routelake
//     synth --peers 4` then `routelake replay --peer all --preload`, in its
//     own process). Figures: time until the sessions hold every route, time
//     until ClickHouse holds every row, sustained rows/s into the embedded
//     engine, and the collector's main-thread event-loop lag (p50/p99/max,
//     perf_hooks.monitorEventLoopDelay) from the first connection until the
//     last row is stored. The same load with storage off runs first, so the
//     lag storage adds can be told from the sessions' own.
//  2. Size: OPTIMIZE … FINAL, then octets per row on disk (system.parts).
//  3. History: the loaded rows are copied inside ClickHouse (INSERT … SELECT
//     with numbers(), at later times, a few origins changed) until `updates`
//     holds --history-rows rows (default 50M) — feeding 50M rows through BGP
//     sessions would take far longer and measure the sessions — then the
//     history queries of storage/queries.ts are timed.
//
// Options: --scale F (table size, default 1), --peers N (default 4),
// --history-rows N (default 50000000, 0 skips), --no-baseline, --repeat N.

import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { allFamilies, type CollectorConfig } from '../collector/src/config/config.ts'
import { createLogger } from '../collector/src/log/logger.ts'
import { type Collector, createCollector } from '../collector/src/main.ts'
import { systemClock } from '../collector/src/session/index.ts'
import {
  minuteCounts,
  moas,
  originChanges,
  peerRibAt,
  prefixHistory,
  type Queryable,
  routesAt,
} from '../collector/src/storage/queries.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { report } from './report.ts'

const BIN = fileURLToPath(new URL('../bin/routelake.js', import.meta.url))
const FIRST_PEER = 61

function config(dir: string, storage: boolean): CollectorConfig {
  return {
    host: 'rl-bench',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: undefined,
    dataDir: dir,
    peers: [
      {
        prefix: '127.0.0.0/8',
        asn: 'any',
        families: allFamilies(),
        addPath: true,
        holdTime: 90,
        gracefulRestart: true,
      },
    ],
    logLevel: 'warn',
    logFormat: 'text',
    ...(storage
      ? {
          storage: {
            clickhouseDatabase: 'routelake',
            embeddedPath: join(dir, 'clickhouse'),
            spoolDir: join(dir, 'spool'),
            batchEvents: 20_000,
            batchAgeMs: 1000,
          },
        }
      : {}),
  }
}

function ms(ns: number): number {
  return ns / 1e6
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
}

interface LoadResult {
  readonly sessionsSeconds: number
  readonly storedSeconds?: number
  readonly lag: { readonly p50: number; readonly p99: number; readonly max: number }
  readonly messages?: number
  readonly updates?: number
  readonly dropped?: number
}

/** One full load: collector up, replay the dump with one session per peer, wait for everything. */
async function load(
  file: string,
  dir: string,
  peers: number,
  storage: boolean,
): Promise<{ collector: Collector; stop: () => Promise<void>; result: LoadResult }> {
  const logger = createLogger({ level: 'warn' })
  const collector = createCollector(config(dir, storage), { clock: systemClock(), logger })
  const { bgp } = await collector.start()
  const lag = monitorEventLoopDelay({ resolution: 1 })
  const t0 = performance.now()
  lag.enable()
  const replay = spawn(
    process.execPath,
    [
      BIN,
      'replay',
      file,
      '--connect',
      `127.0.0.1:${bgp[0]!.port}`,
      '--local-as',
      '64500',
      '--peer',
      'all',
      '--local-address',
      `127.0.0.${FIRST_PEER}`,
      '--preload',
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const addresses = Array.from({ length: peers }, (_, k) => `127.0.0.${FIRST_PEER + k}`)
  const received = () =>
    addresses.every((a) => {
      const v = collector.sessions.peer(a)?.view()
      return (
        v?.families['ipv4-unicast']?.endOfRibAt !== undefined &&
        v.families['ipv6-unicast']?.endOfRibAt !== undefined
      )
    })
  while (!received()) await sleep(50)
  const sessionsSeconds = (performance.now() - t0) / 1000
  let storedSeconds: number | undefined
  let messages: number | undefined
  let updates: number | undefined
  let dropped: number | undefined
  if (storage) {
    const s = collector.storage!
    // Everything the sessions published is handed over (or counted as dropped), then written.
    await s.sink.flush()
    for (;;) {
      s.writer.refreshStats()
      await sleep(100)
      const st = s.stats()
      const c = st.writer.child
      if (st.writer.inflightBatches === 0 && c && c.queuedBatches === 0) {
        storedSeconds = (performance.now() - t0) / 1000
        messages = c.insertedRows.messages
        updates = c.insertedRows.updates
        dropped = st.dropped
        break
      }
    }
  }
  lag.disable()
  // The sessions stay up until the caller is done: ended, their routes would be withdrawn
  // (synthetic withdrawals, stored too) while the figures below are taken.
  const stop = async () => {
    await collector.stop('bench over')
    replay.kill('SIGTERM')
    await new Promise((r) => replay.once('exit', r))
  }
  return {
    collector,
    stop,
    result: {
      sessionsSeconds,
      ...(storedSeconds !== undefined ? { storedSeconds, messages, updates, dropped } : {}),
      lag: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    },
  }
}

async function timeQuery(
  name: string,
  repeat: number,
  q: () => Promise<unknown[]>,
  extra: Record<string, unknown>,
): Promise<void> {
  await q() // warm-up: marks and uncompressed caches, as a looking glass in use has them
  const times: number[] = []
  let rows = 0
  for (let i = 0; i < repeat; i++) {
    const t = performance.now()
    rows = (await q()).length
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const p = (x: number) => times[Math.min(times.length - 1, Math.floor(x * times.length))]!
  report({ suite: 'storage', name: `query ${name} p50`, value: p(0.5), unit: 'ms', rows, ...extra })
  report({ suite: 'storage', name: `query ${name} p99`, value: p(0.99), unit: 'ms', rows, ...extra })
}

async function history(
  q: Queryable,
  run: (sql: string) => Promise<void>,
  target: number,
  repeat: number,
  firstPeer: string,
): Promise<void> {
  const count = async (sql: string) =>
    Number(Object.values((await q.query<Record<string, string>>(sql))[0]!)[0])
  const base = await count('SELECT count() FROM updates')
  const copies = Math.max(0, Math.ceil((target - base) / base))
  process.stderr.write(
    `storage: generating ${copies} × ${base.toLocaleString('en-US')} history rows inside ClickHouse\n`,
  )
  const t = performance.now()
  // Each copy is the loaded table again, k days later, as churn would re-announce it; one
  // prefix in 50 gets another origin AS in every third copy, so MOAS and origin changes exist.
  // (The filter sits in a subquery: in the outer SELECT, `time` would be the REPLACEd one.)
  const loaded = await count('SELECT toUnixTimestamp64Micro(max(time)) FROM updates')
  for (let k = 1; k <= copies; k++) {
    await run(`INSERT INTO updates SELECT * REPLACE (
        time + toIntervalDay(${k}) AS time,
        sequence + ${k * 10_000_000} AS sequence,
        if(${k} % 3 = 0 AND cityHash64(prefix) % 50 = 0, 64999, origin_asn) AS origin_asn,
        if(${k} % 3 = 0 AND cityHash64(prefix) % 50 = 0, arrayPushBack(arrayPopBack(as_path), 64999), as_path) AS as_path)
      FROM (SELECT * FROM updates WHERE time <= fromUnixTimestamp64Micro(toInt64(${loaded}), 'UTC'))`)
  }
  const rows = await count('SELECT count() FROM updates')
  report({
    suite: 'storage',
    name: 'history rows generated',
    value: rows - base,
    unit: 'rows',
    seconds: (performance.now() - t) / 1000,
  })
  report({ suite: 'storage', name: 'history rows in updates', value: rows, unit: 'rows' })
  const partsOf = () =>
    count("SELECT count() FROM system.parts WHERE active AND database = 'routelake' AND table = 'updates'")
  const some = await q.query<{ p: string; l: number }>(
    `SELECT toString(prefix) AS p, prefix_length AS l FROM updates WHERE prefix_length = 24 AND peer_address = toIPv6('${firstPeer}') LIMIT 1 OFFSET 12345`,
  )
  const prefix = `${some[0]!.p.replace('::ffff:', '')}/${some[0]!.l}`
  const slash16 = `${prefix.split('.').slice(0, 2).join('.')}.0.0/16`
  const end = await count('SELECT toUnixTimestamp64Micro(max(time)) FROM updates')
  const day = 86_400_000_000
  const queries: [string, () => Promise<unknown[]>][] = [
    ['prefix history (exact, all peers, all time)', () => prefixHistory(q, { prefix })],
    [
      'prefix history (exact, one peer, one week)',
      () => prefixHistory(q, { prefix, peer: firstPeer, from: end - 7 * day, to: end }),
    ],
    ['routes for a prefix at T (exact)', () => routesAt(q, { prefix, at: end - 3 * day })],
    [
      'routes at T, more-specifics of a /16',
      () => routesAt(q, { prefix: slash16, match: 'more-specific', at: end - 3 * day }),
    ],
    [
      'routes at T, less-specifics of a /24',
      () => routesAt(q, { prefix, match: 'less-specific', at: end - 3 * day }),
    ],
    [
      'origin changes of a /16 and more-specifics',
      () => originChanges(q, { prefix: slash16, match: 'more-specific' }),
    ],
    ['MOAS prefixes in a /16, one month', () => moas(q, { prefix: slash16, from: end - 30 * day, to: end })],
    [
      'minute counts of a peer, one day',
      () => minuteCounts(q, { peer: firstPeer, from: end - day, to: end }),
    ],
  ]
  // As inserted (parts still merging, as on a collector that was just written to), then merged.
  for (const merged of [false, true]) {
    if (merged) {
      const t0 = performance.now()
      await run('OPTIMIZE TABLE updates FINAL')
      report({
        suite: 'storage',
        name: 'OPTIMIZE FINAL (history)',
        value: (performance.now() - t0) / 1000,
        unit: 's',
      })
    }
    const parts = await partsOf()
    const extra = { historyRows: rows, parts }
    const tag = merged ? ' [merged]' : ''
    for (const [name, f] of queries) await timeQuery(`${name}${tag}`, repeat, f, extra)
    await timeQuery(
      `RIB of a peer at T (full table, export)${tag}`,
      Math.min(repeat, 3),
      () => peerRibAt(q, { peer: firstPeer, at: end - 3 * day }),
      extra,
    )
  }
}

export const suite: BenchSuite = {
  summary:
    'ClickHouse storage: 4-peer full-table load (rows/s, event-loop lag), bytes per row, history queries on 50M rows',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '4' },
        'history-rows': { type: 'string', default: '50000000' },
        'no-baseline': { type: 'boolean', default: false },
        repeat: { type: 'string', default: '20' },
      },
    })
    const scale = Number(values.scale)
    const peers = Number(values.peers)
    const ipv4 = Math.round(1_000_000 * scale)
    const ipv6 = Math.round(220_000 * scale)
    const prefixes = ipv4 + ipv6
    const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-storage-'))
    try {
      const file = join(dir, 'rib.mrt')
      process.stderr.write(
        `storage: writing a ${peers}-peer synthetic table (${prefixes.toLocaleString('en-US')} prefixes each)\n`,
      )
      const made = spawnSync(
        process.execPath,
        [
          BIN,
          'synth',
          '--out',
          file,
          '--ipv4',
          String(ipv4),
          '--ipv6',
          String(ipv6),
          '--peers',
          String(peers),
        ],
        { stdio: 'inherit' },
      )
      if (made.status !== 0) throw new Error('routelake synth failed')
      const base = { suite: 'storage', peers, prefixesPerPeer: prefixes }
      if (!values['no-baseline']) {
        process.stderr.write('storage: the load with storage off (baseline)\n')
        const { stop, result } = await load(file, join(dir, 'baseline'), peers, false)
        await stop()
        report({
          ...base,
          name: 'baseline (storage off): sessions hold every route',
          value: result.sessionsSeconds,
          unit: 's',
        })
        report({ ...base, name: 'baseline event-loop lag p50', value: result.lag.p50, unit: 'ms' })
        report({ ...base, name: 'baseline event-loop lag p99', value: result.lag.p99, unit: 'ms' })
        report({ ...base, name: 'baseline event-loop lag max', value: result.lag.max, unit: 'ms' })
      }
      process.stderr.write('storage: the load with storage on (embedded ClickHouse)\n')
      const { collector, stop, result } = await load(file, join(dir, 'storage'), peers, true)
      const storage = collector.storage!
      const rows = (result.messages ?? 0) + (result.updates ?? 0)
      report({ ...base, name: 'sessions hold every route', value: result.sessionsSeconds, unit: 's' })
      report({
        ...base,
        name: 'ClickHouse holds every row',
        value: result.storedSeconds!,
        unit: 's',
        messages: result.messages,
        updates: result.updates,
        expectedUpdates: prefixes * peers,
        dropped: result.dropped,
      })
      report({
        ...base,
        name: 'sustained update rows/s',
        value: result.updates! / result.storedSeconds!,
        unit: 'rows/s',
      })
      report({
        ...base,
        name: 'sustained rows/s (updates + messages)',
        value: rows / result.storedSeconds!,
        unit: 'rows/s',
      })
      report({ ...base, name: 'event-loop lag p50', value: result.lag.p50, unit: 'ms' })
      report({ ...base, name: 'event-loop lag p99', value: result.lag.p99, unit: 'ms' })
      report({ ...base, name: 'event-loop lag max', value: result.lag.max, unit: 'ms' })
      report({ ...base, name: 'events dropped', value: result.dropped ?? 0, unit: 'events' })

      const q: Queryable = storage
      const run = (sql: string) => storage.writer.command(sql)
      const t = performance.now()
      await run('OPTIMIZE TABLE updates FINAL')
      await run('OPTIMIZE TABLE messages FINAL')
      report({
        ...base,
        name: 'OPTIMIZE FINAL (updates, messages)',
        value: (performance.now() - t) / 1000,
        unit: 's',
      })
      for (const table of ['updates', 'messages']) {
        const r = await q.query<{ rows: string; bytes: string; raw: string }>(
          `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS raw
           FROM system.parts WHERE active AND database = 'routelake' AND table = {t:String}`,
          { t: table },
        )
        const { rows: n, bytes, raw } = r[0]!
        report({
          ...base,
          name: `stored bytes per ${table} row`,
          value: Number(bytes) / Number(n),
          unit: 'B',
          rows: Number(n),
          uncompressedPerRow: Number(raw) / Number(n),
        })
      }
      const target = Number(values['history-rows'])
      if (target > 0) await history(q, run, target, Number(values.repeat), `127.0.0.${FIRST_PEER}`)
      await stop()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
