// `npm run bench -- rib`: the Adj-RIB-In with 1 and 4 synthetic full-table
// peers (tools/synth/table.ts: ≈1.0M IPv4 + ≈0.22M IPv6 prefixes each; every
// peer has the same prefixes with its own AS first in every path, so its own
// attribute sets). Each peer's UPDATE stream is fed through decodeMessage +
// updateRoutes + Rib.apply, as a session does.
//
// The streams are generated once and written to a temporary directory; each
// peer count is then measured in a fresh process that holds only the streams'
// octets (one buffer per peer) before loading, so that RSS growth means
// something. Figures: load time and paths/s (whole pipeline, and apply alone;
// the process's CPU time too, as wall time suffers on a busy machine),
// heap (V8 heap + array buffers) and RSS growth per path after a full GC, the
// RIB's own count of its typed-array octets per path, lookup latencies p50/p99
// (exact prefix, longest match of an address, all more-specifics of a /8,
// each materialised as RibEntry objects), and the time to remove one peer
// (session down, its withdrawals reported in batches).
// Options: --scale F (table size factor, default 1), --peers 1,4, --lookups N,
// --add-path (every NLRI with a path id).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  ALL_FAMILIES,
  type CodecContext,
  codecContext,
  decodeMessage,
  type IpPrefixNlri,
  NO_FAMILIES,
  type UpdateMessage,
  updateRoutes,
} from '../collector/src/bgp/index.ts'
import { createRib, type Rib } from '../collector/src/rib/index.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { random } from '../tools/synth/random.ts'
import { synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report } from './report.ts'

function gcFunction(): () => void {
  setFlagsFromString('--expose_gc')
  return runInNewContext('gc') as () => void
}

function memory(gc: () => void): { heap: number; rss: number } {
  gc()
  gc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss }
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Runs `op` on each input, timing each call; p50 and p99 in microseconds. */
function latency<T>(
  inputs: readonly T[],
  op: (x: T) => number,
): { p50: number; p99: number; avgResult: number } {
  for (const x of inputs.slice(0, 100)) op(x) // warm-up
  const times: number[] = []
  let results = 0
  for (const x of inputs) {
    const t0 = process.hrtime.bigint()
    results += op(x)
    times.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), avgResult: results / inputs.length }
}

/** Writes each peer's UPDATE stream as one file of concatenated messages. */
function writeStreams(dir: string, peers: number, scale: number, addPath: boolean): void {
  for (let k = 0; k < peers; k++) {
    const table = synthTable({
      ipv4: Math.round(1_000_000 * scale),
      ipv6: Math.round(220_000 * scale),
      peerAs: 64500 + k,
    })
    const { messages } = synthUpdates(table, { addPath })
    const out = new Uint8Array(messages.reduce((n, m) => n + m.length, 0))
    let at = 0
    for (const m of messages) {
      out.set(m, at)
      at += m.length
    }
    writeFileSync(join(dir, `peer-${k}.bin`), out)
  }
}

/** Feeds one stream file to the RIB; returns nanoseconds spent in apply. Samples IPv4 prefixes into `sample`. */
function load(rib: Rib, buf: Uint8Array, peer: number, ctx: CodecContext, sample: string[]): bigint {
  let applyNs = 0n
  let count = 0
  for (let off = 0; off < buf.length; ) {
    const len = (buf[off + 16]! << 8) | buf[off + 17]!
    const m = buf.subarray(off, off + len)
    off += len
    const r = decodeMessage(m, ctx)
    const routes = updateRoutes(r.message as UpdateMessage, r.problems, ctx)
    const a0 = process.hrtime.bigint()
    rib.apply(peer, routes, m, ctx)
    applyNs += process.hrtime.bigint() - a0
    const first = routes.announce[0]
    if (first?.family === 'ipv4-unicast' && count++ % 16 === 0)
      sample.push((first.nlri[0] as IpPrefixNlri).prefix)
  }
  return applyNs
}

function child(dir: string, peers: number, lookups: number, addPath: boolean): void {
  const gc = gcFunction()
  const ctx = codecContext({ addPath: addPath ? ALL_FAMILIES : NO_FAMILIES })
  const streams = Array.from({ length: peers }, (_, k) => readFileSync(join(dir, `peer-${k}.bin`)))
  const before = memory(gc)
  const rib = createRib()
  const sample: string[] = []
  let applyNs = 0n
  const t0 = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  for (let k = 0; k < peers; k++) applyNs += load(rib, streams[k]!, rib.peer(`192.0.2.${k + 1}`), ctx, sample)
  const loadS = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const cpuS = (cpu.user + cpu.system) / 1e6
  const after = memory(gc)
  const stats = rib.stats()
  const paths = stats.paths
  const tag = `${peers} peer(s)${addPath ? ' add-path' : ''}`
  const base = {
    suite: 'rib',
    peers,
    addPath,
    paths,
    prefixes: stats.prefixes,
    attributeSets: stats.attributeSets,
  }
  const figures: [string, number, string][] = [
    ['load (decode+routes+rib)', loadS, 's'],
    ['load paths/s', paths / loadS, 'paths/s'],
    ['load CPU time (all threads)', cpuS, 's'],
    ['apply alone paths/s', paths / (Number(applyNs) / 1e9), 'paths/s'],
    ['heap+buffers per path', (after.heap - before.heap) / paths, 'B/path'],
    ['RSS growth per path', (after.rss - before.rss) / paths, 'B/path'],
    ['RIB storage per path', stats.storageBytes / paths, 'B/path'],
    ['RSS total', after.rss / 2 ** 20, 'MiB'],
    ['attribute sets', stats.attributeSets, 'sets'],
  ]
  for (const [name, value, unit] of figures) report({ ...base, name: `${tag} ${name}`, value, unit })

  const rnd = random(42)
  const exactQ = Array.from({ length: lookups }, () => rnd.pick(sample))
  const addrQ = Array.from(
    { length: lookups },
    () => `${rnd.int(1, 223)}.${rnd.int(0, 255)}.${rnd.int(0, 255)}.${rnd.int(0, 255)}`,
  )
  const slash8 = Array.from({ length: Math.min(lookups, 1000) }, () => `${rnd.int(1, 223)}.0.0.0/8`)
  const lookupsOf = [
    ['exact prefix', latency(exactQ, (q) => rib.exact('ipv4-unicast', q)?.routes.length ?? 0)],
    [
      'longest match of an address',
      latency(addrQ, (q) => rib.longest('ipv4-unicast', q)?.routes.length ?? 0),
    ],
    [
      'more-specifics of a /8',
      latency(slash8, (q) => {
        let n = 0
        for (const e of rib.moreSpecifics('ipv4-unicast', q)) n += e.routes.length
        return n
      }),
    ],
  ] as const
  for (const [what, l] of lookupsOf) {
    const extra = { ...base, routesPerLookup: l.avgResult }
    report({ ...extra, name: `${tag} ${what} p50`, value: l.p50, unit: 'µs' })
    report({ ...extra, name: `${tag} ${what} p99`, value: l.p99, unit: 'µs' })
  }
  const r0 = process.hrtime.bigint()
  let batches = 0
  const removed = rib.removePeer(rib.peer('192.0.2.1'), () => batches++)
  const removeS = Number(process.hrtime.bigint() - r0) / 1e9
  report({ ...base, name: `${tag} remove one peer`, value: removeS, unit: 's', removed, batches })
}

export const suite: BenchSuite = {
  summary: 'Adj-RIB-In memory per path, load speed and lookup latency with 1 and 4 full-table peers',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '1,4' },
        lookups: { type: 'string', default: '20000' },
        'add-path': { type: 'boolean', default: false },
        child: { type: 'string' },
      },
    })
    const lookups = Number(values.lookups)
    const addPath = values['add-path']
    const counts = values.peers.split(',').map(Number)
    if (values.child !== undefined) {
      child(values.child, counts[0]!, lookups, addPath)
      return
    }
    const scale = Number(values.scale)
    const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-rib-'))
    try {
      process.stderr.write(
        `rib: writing ${Math.max(...counts)} synthetic full-table stream(s), scale ${scale}\n`,
      )
      writeStreams(dir, Math.max(...counts), scale, addPath)
      const bin = fileURLToPath(new URL('../bin/routelake.js', import.meta.url))
      for (const peers of counts) {
        process.stderr.write(`rib: ${peers} peer(s)\n`)
        const r = spawnSync(
          process.execPath,
          [
            bin,
            'bench',
            'rib',
            '--child',
            dir,
            '--peers',
            String(peers),
            '--lookups',
            String(lookups),
            ...(addPath ? ['--add-path'] : []),
          ],
          { stdio: 'inherit' },
        )
        if (r.status !== 0) throw new Error(`rib bench for ${peers} peer(s) failed (${r.status ?? r.signal})`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
