// `npm run bench -- api`: the looking-glass API.
//
//  1. Lookups: --peers (default 4) synthetic full tables (tools/synth: ≈1.0M
//     IPv4 + ≈0.22M IPv6 prefixes each, every peer with its own AS first) are
//     loaded into an Adj-RIB-In as sessions do (decode, updateRoutes, apply);
//     then GET /api/v1/lookup through the app in-process (routing, validation,
//     the RIB, DTOs, JSON): p50/p99 of exact prefixes, longest match of
//     addresses, and the more-specifics of a /8 (the first page of 100
//     prefixes, and the whole /8 page after page).
//  2. Requests/s over HTTP: the same app on a loopback listener, driven by a
//     load generator in another process (this file with --load: Node's fetch,
//     keep-alive, --concurrency requests in flight) with exact lookups.
//  3. MRT export: the peers' UPDATE streams stored as raw messages in the
//     embedded ClickHouse (INSERT … FROM INFILE, RowBinary), exported through
//     /api/v1/mrt/updates and /api/v1/mrt/rib; MRT megabytes per second (of
//     the uncompressed MRT written, gzip on), against the real bgpdump reading
//     the same exported files (`bgpdump -m`, output to /dev/null).
//  4. History: `updates` filled to --history-rows (default 50M) inside
//     ClickHouse (INSERT … SELECT from numbers(): 1M /24 prefixes, 10 peers,
//     50 rows per prefix over 30 days, a changed origin every third round),
//     then the history routes timed (p50/p99 over --repeat prefixes).
//
// Options: --scale F (table size factor), --peers N, --lookups N,
// --concurrency N, --seconds N (HTTP load), --history-rows N (0 skips),
// --repeat N, --skip-storage.

import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { serve } from '@hono/node-server'
import { type ApiStorage, createApi } from '../collector/src/api/index.ts'
import {
  type CodecContext,
  codecContext,
  decodeMessage,
  type IpPrefixNlri,
  NO_FAMILIES,
  type UpdateMessage,
  updateRoutes,
} from '../collector/src/bgp/index.ts'
import { memoryLogger } from '../collector/src/log/logger.ts'
import { createRib, type Rib } from '../collector/src/rib/index.ts'
import type { StorageWriter } from '../collector/src/storage/writer.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report } from './report.ts'

const SUITE = 'api'

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** The streams of `peers` synthetic full tables (one array of UPDATEs per peer). */
function streams(peers: number, scale: number): Uint8Array[][] {
  const out: Uint8Array[][] = []
  for (let k = 0; k < peers; k++) {
    const table = synthTable({
      ipv4: Math.round(1_000_000 * scale),
      ipv6: Math.round(220_000 * scale),
      peerAs: 64500 + k,
    })
    out.push(synthUpdates(table).messages)
  }
  return out
}

const peerAddress = (k: number) => `192.0.2.${k + 1}`

function load(
  rib: Rib,
  messages: readonly Uint8Array[],
  peer: number,
  ctx: CodecContext,
  sample: string[],
): void {
  let n = 0
  for (const m of messages) {
    const d = decodeMessage(m, ctx)
    const routes = updateRoutes(d.message as UpdateMessage, d.problems, ctx)
    rib.apply(peer, routes, m, ctx)
    const first = routes.announce[0]
    if (first?.family === 'ipv4-unicast' && n++ % 7 === 0) sample.push((first.nlri[0] as IpPrefixNlri).prefix)
  }
}

/** Times `op` over inputs (after a warm-up): p50 and p99 in milliseconds. */
async function latency<T>(
  inputs: readonly T[],
  op: (x: T) => Promise<unknown>,
): Promise<{ p50: number; p99: number }> {
  for (const x of inputs.slice(0, Math.min(50, inputs.length))) await op(x)
  const times: number[] = []
  for (const x of inputs) {
    const t0 = process.hrtime.bigint()
    await op(x)
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) }
}

// --- the load generator (another process) ------------------------------------------------

interface LoadPlan {
  readonly base: string
  readonly paths: readonly string[]
  readonly concurrency: number
  readonly seconds: number
}

async function loadChild(file: string): Promise<void> {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as LoadPlan
  const deadline = Date.now() + plan.seconds * 1000
  const times: number[] = []
  let errors = 0
  let bytes = 0
  let next = 0
  const worker = async () => {
    while (Date.now() < deadline) {
      const path = plan.paths[next++ % plan.paths.length]!
      const t0 = performance.now()
      try {
        const res = await fetch(`${plan.base}${path}`)
        const body = await res.arrayBuffer()
        bytes += body.byteLength
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      times.push(performance.now() - t0)
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: plan.concurrency }, worker))
  const seconds = (performance.now() - t0) / 1000
  times.sort((a, b) => a - b)
  process.stdout.write(
    `${JSON.stringify({ requests: times.length, errors, bytes, seconds, p50: percentile(times, 0.5), p99: percentile(times, 0.99) })}\n`,
  )
}

function runLoad(
  plan: LoadPlan,
  dir: string,
): Promise<{ requests: number; errors: number; seconds: number; p50: number; p99: number }> {
  const file = join(dir, 'load.json')
  writeFileSync(file, JSON.stringify(plan))
  const bin = fileURLToPath(new URL('../bin/routelake.js', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'bench', 'api', '--load', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`))
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!))
    })
  })
}

// --- storage --------------------------------------------------------------------------------

/** RowBinary rows of `messages` for each peer's UPDATEs (received, 4-octet AS), spaced 100 µs apart. */
function messagesRowBinary(peers: readonly (readonly Uint8Array[])[], start: number): Buffer {
  const parts: Buffer[] = []
  const str = (b: Uint8Array | string) => {
    const v = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
    const len: number[] = []
    let n = v.length
    do {
      let byte = n & 0x7f
      n = Math.floor(n / 128)
      if (n) byte |= 0x80
      len.push(byte)
    } while (n)
    return [Buffer.from(len), v]
  }
  let seq = 0
  peers.forEach((messages, k) => {
    const addr = Buffer.alloc(16)
    addr[10] = 0xff
    addr[11] = 0xff
    addr.set([192, 0, 2, k + 1], 12)
    messages.forEach((raw, i) => {
      const head = Buffer.alloc(8)
      head.writeBigInt64LE(BigInt(start + i * 100 + k))
      const nums = Buffer.alloc(4 + 4 + 8 + 1 + 1)
      nums.writeUInt32LE(64500 + k, 0)
      nums.writeUInt32LE(65000, 4)
      nums.writeBigUInt64LE(BigInt(seq++), 8)
      nums.writeInt8(1, 16) // direction: received
      nums.writeInt8(2, 17) // type: UPDATE
      // asn4, add_path [], extended_message, synthetic, announced, withdrawn, end_of_rib '', problems []
      const tail = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
      parts.push(head, ...str('bench'), addr, nums, ...str(raw), tail)
    })
  })
  return Buffer.concat(parts)
}

const MESSAGE_COLUMNS =
  'time, collector, peer_address, peer_asn, local_asn, sequence, direction, type, raw, asn4, add_path, extended_message, synthetic, announced, withdrawn, end_of_rib, problems'

async function history(
  storage: ApiStorage,
  writer: StorageWriter,
  rows: number,
  repeat: number,
): Promise<void> {
  const day = 86_400
  const base = Math.floor(Date.now() / 1000) - 30 * day
  const have = Number((await writer.query<{ n: string }>('SELECT count() AS n FROM updates'))[0]!.n)
  const add = rows - have
  process.stderr.write(`api: generating ${add.toLocaleString('en-US')} history rows in ClickHouse\n`)
  const t0 = Date.now()
  // 1M /24 prefixes, 50 rows each: round r = number / 1M, peer r % 10, 0.6 days apart; a third of the rounds changes the origin.
  await writer.command(`INSERT INTO updates (prefix, prefix_length, nlri_key, path_id, rd, nlri_json, action, family, next_hop,
      collector, peer_address, time, sequence, peer_asn, origin, as_path, origin_asn, communities)
    SELECT toIPv6(IPv4NumToString(bitAnd(intHash32(number % 1000000), 0xFFFFFF00))) AS prefix, 24, '', 0, '', '',
      if(number % 10 = 9, 'withdraw', 'announce'), 'ipv4-unicast', ['192.0.2.1'],
      'bench', toIPv6(concat('10.0.0.', toString(intDiv(number, 1000000) % 10 + 1))),
      toDateTime64(${base} + intDiv(number, 1000000) * 51840 + (number % 1000000) % 43200, 6, 'UTC'),
      number, 64500 + intDiv(number, 1000000) % 10, 'igp',
      [toUInt32(64500 + intDiv(number, 1000000) % 10), 3356, 1299 + (number % 7), if(intDiv(number, 1000000) % 3 = 2, 64999, 65000 + number % 1000)],
      if(intDiv(number, 1000000) % 3 = 2, 64999, 65000 + number % 1000), [concat('65000:', toString(number % 100))]
    FROM numbers(${add})`)
  const total = Number((await writer.query<{ n: string }>('SELECT count() AS n FROM updates'))[0]!.n)
  report({
    suite: SUITE,
    name: 'history rows generated',
    value: total,
    unit: 'rows',
    seconds: (Date.now() - t0) / 1000,
  })
  const parts = Number(
    (
      await writer.query<{ n: string }>(
        "SELECT count() AS n FROM system.parts WHERE table = 'updates' AND active",
      )
    )[0]!.n,
  )
  const app = createApi({
    peers: () => [],
    now: () => Date.now(),
    storage,
    settings: { rateLimit: 0, maxResults: 10_000 },
  })
  const prefixes = (
    await writer.query<{ p: string }>(
      `SELECT DISTINCT IPv4NumToString(bitAnd(intHash32(number * 7919 % 1000000), 0xFFFFFF00)) AS p FROM numbers(${repeat})`,
    )
  ).map((r) => `${r.p}/24`)
  const time = async (name: string, path: (p: string, i: number) => string) => {
    let rowsOut = 0
    const l = await latency(
      prefixes.map((p, i) => path(p, i)),
      async (url) => {
        const res = await app.request(url)
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`)
        const body = (await res.json()) as Record<string, unknown[]>
        rowsOut += (body.changes ?? body.routes ?? body.prefixes ?? [])?.length ?? 0
      },
    )
    const extra = {
      historyRows: total,
      parts,
      rowsPerAnswer: Math.round(rowsOut / (prefixes.length + Math.min(50, prefixes.length))),
    }
    report({ suite: SUITE, name: `history ${name} p50`, value: l.p50, unit: 'ms', ...extra })
    report({ suite: SUITE, name: `history ${name} p99`, value: l.p99, unit: 'ms', ...extra })
  }
  const at = base + 20 * day
  await time(
    'prefix changes (exact, all peers, all time)',
    (p) => `/api/v1/history/prefix?prefix=${p}&limit=1000`,
  )
  await time(
    'prefix changes (one peer, one week)',
    (p, i) =>
      `/api/v1/history/prefix?prefix=${p}&peer=10.0.0.${(i % 10) + 1}&from=${base + 7 * day}&to=${base + 14 * day}`,
  )
  await time('routes at T (exact)', (p) => `/api/v1/history/rib?prefix=${p}&at=${at}`)
  await time(
    'routes at T (more-specifics of the /16)',
    (p) => `/api/v1/history/rib?prefix=${p.replace(/\.\d+\.0\/24$/, '.0.0/16')}&match=more&at=${at}`,
  )
  await time('origin changes (exact)', (p) => `/api/v1/history/origins?prefix=${p}`)
}

async function mrtExport(
  storage: ApiStorage,
  writer: StorageWriter,
  peerStreams: Uint8Array[][],
  dir: string,
): Promise<void> {
  const start = (Date.now() - 3_600_000) * 1000
  const file = join(dir, 'messages.rowbinary')
  writeFileSync(file, messagesRowBinary(peerStreams, start))
  const rawBytes = peerStreams.reduce((n, s) => n + s.reduce((m, x) => m + x.length, 0), 0)
  const count = peerStreams.reduce((n, s) => n + s.length, 0)
  process.stderr.write(
    `api: storing ${count.toLocaleString('en-US')} raw messages (${(rawBytes / 1e6).toFixed(0)} MB)\n`,
  )
  await writer.command(`INSERT INTO messages (${MESSAGE_COLUMNS}) FROM INFILE '${file}' FORMAT RowBinary`)
  rmSync(file)
  const app = createApi({
    peers: () => [],
    now: () => Date.now(),
    storage,
    collector: {
      name: 'bench',
      version: 'bench',
      asn: 65000,
      routerId: '192.0.2.254',
      startedAt: Date.now(),
    },
    settings: { rateLimit: 0 },
  })
  const fetchTo = async (path: string, out: string) => {
    const t0 = process.hrtime.bigint()
    const res = await app.request(path)
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
    const gz = Buffer.from(await res.arrayBuffer())
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    writeFileSync(out, gz)
    return { seconds, gz: gz.length, mrt: gunzipSync(gz).length }
  }
  const bgpdump = (f: string) => {
    const t0 = process.hrtime.bigint()
    const r = spawnSync('/usr/bin/bgpdump', ['-q', '-m', f], { stdio: ['ignore', 'ignore', 'ignore'] })
    if (r.status !== 0) throw new Error(`bgpdump failed on ${f}`)
    return Number(process.hrtime.bigint() - t0) / 1e9
  }
  const haveBgpdump = (() => {
    try {
      return statSync('/usr/bin/bgpdump').isFile()
    } catch {
      return false
    }
  })()
  for (const [name, path, out] of [
    ['updates', `/api/v1/mrt/updates?from=${Math.floor(start / 1e6) - 1}`, join(dir, 'updates.gz')],
    ['rib', '/api/v1/mrt/rib', join(dir, 'bview.gz')],
  ] as const) {
    const r = await fetchTo(path, out)
    const extra = { messages: count, mrtBytes: r.mrt, gzipBytes: r.gz, seconds: r.seconds }
    report({
      suite: SUITE,
      name: `MRT export ${name} (gzip) throughput`,
      value: r.mrt / 1e6 / r.seconds,
      unit: 'MB/s',
      ...extra,
    })
    if (haveBgpdump) {
      const s = bgpdump(out)
      report({
        suite: SUITE,
        name: `bgpdump -m reading the ${name} export`,
        value: r.mrt / 1e6 / s,
        unit: 'MB/s',
        ...extra,
        seconds: s,
      })
      report({ suite: SUITE, name: `MRT export ${name} / bgpdump read`, value: s / r.seconds, unit: 'ratio' })
    }
    rmSync(out)
  }
}

export const suite: BenchSuite = {
  summary:
    'looking-glass API: lookups with 4 full-table peers, HTTP requests/s, MRT export vs bgpdump, history on 50M rows',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '4' },
        lookups: { type: 'string', default: '2000' },
        concurrency: { type: 'string', default: '32' },
        seconds: { type: 'string', default: '10' },
        'history-rows': { type: 'string', default: '50000000' },
        repeat: { type: 'string', default: '200' },
        'skip-storage': { type: 'boolean', default: false },
        load: { type: 'string' },
      },
    })
    if (values.load !== undefined) {
      await loadChild(values.load)
      return
    }
    const scale = Number(values.scale)
    const peers = Number(values.peers)
    const lookups = Number(values.lookups)
    const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-api-'))
    try {
      process.stderr.write(`api: ${peers} synthetic full table(s), scale ${scale}\n`)
      let peerStreams: Uint8Array[][] | undefined = streams(peers, scale)
      const rib = createRib()
      const sample: string[] = []
      const ctx = codecContext({ addPath: NO_FAMILIES })
      const t0 = process.hrtime.bigint()
      for (const [k, s] of peerStreams.entries()) load(rib, s, rib.peer(peerAddress(k)), ctx, sample)
      const loadS = Number(process.hrtime.bigint() - t0) / 1e9
      const stats = rib.stats()
      const base = { peers, paths: stats.paths, prefixes: stats.prefixes }
      report({
        suite: SUITE,
        name: `RIB loaded (${peers} peers)`,
        value: stats.paths,
        unit: 'paths',
        seconds: loadS,
      })

      const app = createApi({
        peers: () => [],
        now: () => Date.now(),
        rib,
        settings: { rateLimit: 0, maxResults: 100_000 },
      })
      const pick = (n: number) => Array.from({ length: n }, (_, i) => sample[(i * 7919) % sample.length]!)
      const exact = pick(lookups).map((p) => `/api/v1/lookup?prefix=${p}`)
      const longest = pick(lookups).map(
        (p) => `/api/v1/lookup?address=${p.split('/')[0]!.replace(/\.0$/, '.77')}`,
      )
      const slash8s = [...new Set(sample.map((p) => p.split('.')[0]))]
        .slice(0, 200)
        .map((o) => `${o}.0.0.0/8`)
      const more = slash8s.map((p) => `/api/v1/lookup?prefix=${p}&match=more`)
      let answered = 0
      const ask = async (url: string) => {
        const res = await app.request(url)
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`)
        const body = (await res.json()) as { entries: { routes: unknown[] }[]; cursor?: string }
        for (const e of body.entries) answered += e.routes.length
        return body
      }
      for (const [name, urls] of [
        ['exact prefix', exact],
        ['longest match of an address', longest],
        ['more-specifics of a /8 (first page, 100 prefixes)', more],
      ] as const) {
        answered = 0
        const l = await latency(urls, ask)
        const extra = {
          ...base,
          routesPerAnswer: Math.round(answered / (urls.length + Math.min(50, urls.length))),
        }
        report({ suite: SUITE, name: `lookup ${name} p50`, value: l.p50, unit: 'ms', ...extra })
        report({ suite: SUITE, name: `lookup ${name} p99`, value: l.p99, unit: 'ms', ...extra })
      }
      {
        // Whole /8s, page after page (500 prefixes a page).
        let pages = 0
        answered = 0
        const whole = await latency(slash8s.slice(0, 40), async (p) => {
          let cursor: string | undefined
          do {
            const body = await ask(
              `/api/v1/lookup?prefix=${p}&match=more&limit=500&${cursor ? `cursor=${cursor}` : ''}`,
            )
            cursor = body.cursor
            pages++
          } while (cursor)
        })
        const extra = { ...base, pages, routes: answered }
        report({
          suite: SUITE,
          name: 'lookup whole /8 (all pages of 500) p50',
          value: whole.p50,
          unit: 'ms',
          ...extra,
        })
        report({
          suite: SUITE,
          name: 'lookup whole /8 (all pages of 500) p99',
          value: whole.p99,
          unit: 'ms',
          ...extra,
        })
      }

      // Requests per second over HTTP, the load from another process.
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
      await new Promise<void>((r) => server.once('listening', () => r()))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      try {
        const concurrency = Number(values.concurrency)
        const r = await runLoad(
          { base: url, paths: exact, concurrency, seconds: Number(values.seconds) },
          dir,
        )
        const extra = {
          ...base,
          concurrency,
          requests: r.requests,
          errors: r.errors,
          p50ms: r.p50,
          p99ms: r.p99,
        }
        report({
          suite: SUITE,
          name: 'HTTP exact lookups (load from another process)',
          value: r.requests / r.seconds,
          unit: 'req/s',
          ...extra,
        })
        const m = await runLoad({ base: url, paths: ['/metrics'], concurrency: 4, seconds: 3 }, dir)
        report({
          suite: SUITE,
          name: 'HTTP /metrics',
          value: m.requests / m.seconds,
          unit: 'req/s',
          p50ms: m.p50,
        })
      } finally {
        await new Promise<void>((r) => server.close(() => r()))
      }

      if (values['skip-storage']) return
      const { StorageWriter } = await import('../collector/src/storage/writer.ts')
      const writer = new StorageWriter(
        { target: { database: 'routelake', path: join(dir, 'clickhouse') }, spoolDir: join(dir, 'spool') },
        memoryLogger('warn'),
      )
      await writer.start()
      try {
        const storage: ApiStorage = {
          database: 'routelake',
          query: (sql, params) => writer.query(sql, params),
          queryFormatted: (sql, format, params) => writer.queryFormatted(sql, format, params),
        }
        await mrtExport(storage, writer, peerStreams, dir)
        peerStreams = undefined
        const rows = Number(values['history-rows'])
        if (rows > 0) await history(storage, writer, rows, Number(values.repeat))
      } finally {
        await writer.stop(0)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
