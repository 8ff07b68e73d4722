// `npm run bench -- live`: the live feed under RIS-like load. Three processes,
// so that nobody shares the collector's event loop:
//
//  - this one runs the collector (createCollector: sessions, RIB, the live
//    sink on its HTTP listener) and measures it: the sink's own latency
//    histogram (event timestamp, taken when the received message is decoded,
//    to the write on the client's WebSocket), frames sent, cut-offs, the bus
//    queue, and the event-loop delay (perf_hooks.monitorEventLoopDelay);
//  - a clients process opens 1, 100 and 1,000 WebSockets (permessage-deflate
//    offered, as browsers and most libraries do) with a mix of filters like
//    RIS Live's users': 60% 1–5 prefixes (more-specific), 20% an origin AS
//    (`N$`), 10% a peer, 5% an unanchored AS pair, 4% OPEN/NOTIFICATION/
//    RIS_PEER_STATE only, 1% every UPDATE (at least one); options 70% plain,
//    20% includeRaw, 10% includeAll. It reports what arrived and its own view
//    of latency (receipt minus the message's millisecond timestamp);
//  - a feeder process: 8 BGP sessions sending small UPDATEs (1–3 prefixes
//    sharing a path, one in five a withdrawal, from a synthetic table) at a
//    steady 4,400 per second in all — the whole of RIS — and then one more
//    session sending a synthetic full table (≈1.0M IPv4 + ≈0.22M IPv6
//    prefixes, tools/synth) as fast as TCP allows: the burst of a session reset.
//
// The first 5 s of steady traffic warm the process up and are not measured.
// The machine's load average is printed at the start and end: other work on
// the machine takes CPU from the collector (its own CPU use is a figure too).
//
// Options: --subscribers 1,100,1000  --seconds 15 (steady phase)  --rate 4400
//          --scale 1 (full-table size factor)  --no-deflate

import { type ChildProcess, spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import {
  DEFAULT_CONTEXT,
  encodeMessage,
  type IpPrefixNlri,
  type OpenMessage,
  type PathAttribute,
  type UpdateMessage,
} from '../collector/src/bgp/index.ts'
import { acceptPeer } from '../collector/src/config/config.ts'
import { createLogger } from '../collector/src/log/logger.ts'
import { createCollector } from '../collector/src/main.ts'
import { Framer, systemClock } from '../collector/src/session/index.ts'
import { LatencyHistogram } from '../collector/src/sinks/live/latency.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { random } from '../tools/synth/random.ts'
import { type SynthTable, synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report } from './report.ts'

// --- the child processes: a tiny request/response protocol over IPC -----------------

type Msg = { id: number; cmd: string; [k: string]: unknown }

interface Child {
  readonly proc: ChildProcess
  call<T = Record<string, unknown>>(cmd: string, args?: Record<string, unknown>): Promise<T>
  stop(): Promise<void>
}

function startChild(role: 'clients' | 'feeder'): Child {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(self)}); await m.role(${JSON.stringify(role)})`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  let next = 1
  const waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }
  >()
  proc.on('message', (m: Msg) => {
    waiting.get(m.id)?.resolve(m)
    waiting.delete(m.id)
  })
  proc.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${role} exited (${code}) during ${w.cmd}`))
    waiting.clear()
  })
  return {
    proc,
    call(cmd, args = {}) {
      const id = next++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd })
        proc.send({ id, cmd, ...args })
      })
    },
    async stop() {
      if (proc.exitCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    },
  }
}

export async function role(name: 'clients' | 'feeder'): Promise<void> {
  const handlers = name === 'clients' ? clientsRole() : feederRole()
  process.on('message', async (m: Msg) => {
    const h = handlers[m.cmd]
    const reply = h ? await h(m) : { error: `unknown command ${m.cmd}` }
    process.send!({ id: m.id, ...reply })
  })
  process.on('SIGTERM', () => process.exit(0))
  await new Promise(() => {})
}

type Handlers = Record<string, (m: Msg) => Promise<Record<string, unknown>> | Record<string, unknown>>

// --- clients ------------------------------------------------------------------------

interface ClientSpec {
  readonly sub: Record<string, unknown>
  readonly options: Record<string, boolean>
}

function clientsRole(): Handlers {
  let sockets: WebSocket[] = []
  const latency = new LatencyHistogram()
  let messages = 0
  let bytes = 0
  let cut = 0
  const TS = '"timestamp":'
  const onMessage = (d: WebSocket.RawData) => {
    const text = d.toString()
    messages++
    bytes += text.length
    const at = text.indexOf(TS)
    if (at < 0 || !text.startsWith('{"type":"ris_message"')) return
    const end = text.indexOf(',', at)
    const ts = Number(text.slice(at + TS.length, end))
    latency.add(Math.max(0, (performance.timeOrigin + performance.now() - ts * 1000) * 1000))
  }
  return {
    async connect(m) {
      const specs = m.specs as ClientSpec[]
      const url = m.url as string
      const deflate = m.deflate as boolean
      for (let i = 0; i < specs.length; i += 50) {
        await Promise.all(
          specs.slice(i, i + 50).map(
            (s) =>
              new Promise<void>((resolve, reject) => {
                const ws = new WebSocket(url, { perMessageDeflate: deflate })
                ws.on('error', reject)
                ws.once('open', () => {
                  ws.send(
                    JSON.stringify({
                      type: 'ris_subscribe',
                      data: { ...s.sub, socketOptions: { ...s.options, acknowledge: true } },
                    }),
                  )
                })
                ws.once('message', (d) => {
                  if (!d.toString().includes('ris_subscribe_ok')) reject(new Error(d.toString()))
                  ws.on('message', onMessage)
                  resolve()
                })
                ws.on('close', (code) => {
                  if (code === 4001) cut++
                })
                sockets.push(ws)
              }),
          ),
        )
      }
      return { connected: sockets.length }
    },
    reset() {
      latency.reset()
      messages = 0
      bytes = 0
      return {}
    },
    report() {
      return { messages, bytes, cut, latency: latency.summary() }
    },
    async close() {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) resolve()
              else {
                ws.once('close', () => resolve())
                ws.close()
              }
            }),
        ),
      )
      sockets = []
      cut = 0
      return {}
    },
  }
}

// --- feeder -------------------------------------------------------------------------

/** An active BGP speaker with no hold timer that only sends. */
async function speaker(port: number, local: string, asn: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', localAddress: local })
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve())
    s.once('error', reject)
  })
  s.setNoDelay(true)
  const open: OpenMessage = {
    type: 'OPEN',
    version: 4,
    asn,
    holdTime: 0,
    bgpId: local,
    parameters: [
      {
        type: 2,
        capabilities: [
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 1, family: 'ipv4-unicast' } },
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 2, safi: 1, family: 'ipv6-unicast' } },
          { code: 65, name: 'FOUR_OCTET_AS', value: { asn } },
        ],
      },
    ],
  }
  s.write(encodeMessage(open, DEFAULT_CONTEXT))
  const framer = new Framer()
  await new Promise<void>((resolve) => {
    let n = 0
    const onData = (d: Buffer) =>
      framer.push(d, () => {
        if (++n === 2) {
          s.off('data', onData)
          s.on('data', () => {})
          resolve()
        }
      })
    s.on('data', onData)
  })
  s.write(encodeMessage({ type: 'KEEPALIVE' }, DEFAULT_CONTEXT))
  return s
}

function attributes(
  t: SynthTable,
  path: number,
  afi: 1 | 2,
  nlri: IpPrefixNlri[],
  nh: string,
): PathAttribute[] {
  const p = t.paths[path]!
  const list: PathAttribute[] = []
  if (afi === 2) {
    list.push({
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: { afi: 2, safi: 1, family: 'ipv6-unicast', nextHop: ['2001:db8::1'], nlri },
    })
  }
  list.push({ code: 1, flags: 0x40, name: 'ORIGIN', value: p.origin })
  list.push({ code: 2, flags: 0x40, name: 'AS_PATH', value: p.asPath })
  if (afi === 1) list.push({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nh })
  if (p.med !== undefined) list.push({ code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: p.med })
  if (p.communities.length) list.push({ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: p.communities })
  if (p.largeCommunities.length) {
    list.push({ code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: p.largeCommunities })
  }
  return list
}

/** Small UPDATEs like RIS's: 1–3 prefixes sharing a path, one in five a withdrawal. */
function steadyMessages(t: SynthTable, n: number, seed: number): Uint8Array[] {
  const rnd = random(seed)
  const out: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const at = rnd.int(0, t.routes.length - 1)
    const r = t.routes[at]!
    const prefixes: IpPrefixNlri[] = [{ prefix: r.prefix }]
    const k = rnd.int(1, 3)
    for (let j = 1; j < k; j++) {
      const x = t.routes[at + j]
      if (x && x.path === r.path && x.afi === r.afi) prefixes.push({ prefix: x.prefix })
    }
    let m: UpdateMessage
    if (rnd.int(1, 5) === 1) {
      m =
        r.afi === 1
          ? { type: 'UPDATE', withdrawn: prefixes, attributes: [], nlri: [] }
          : {
              type: 'UPDATE',
              withdrawn: [],
              attributes: [
                {
                  code: 15,
                  flags: 0x90,
                  name: 'MP_UNREACH_NLRI',
                  value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: prefixes },
                },
              ],
              nlri: [],
            }
    } else {
      m = {
        type: 'UPDATE',
        withdrawn: [],
        attributes: attributes(t, r.path, r.afi, r.afi === 2 ? prefixes : [], '192.0.2.1'),
        nlri: r.afi === 1 ? prefixes : [],
      }
    }
    out.push(encodeMessage(m, DEFAULT_CONTEXT))
  }
  return out
}

function feederRole(): Handlers {
  let port = 0
  let sessions: Socket[] = []
  let table: SynthTable | undefined
  let steady: Uint8Array[] = []
  let cursor = 0
  let burst: Socket | undefined
  let full: Uint8Array[] | undefined
  return {
    async setup(m) {
      port = m.port as number
      const peers = m.peers as number
      table = synthTable({ seed: 7, ipv4: 200_000, ipv6: 40_000 })
      steady = steadyMessages(table, (m.messages as number) ?? 100_000, 11)
      for (let i = 0; i < peers; i++) sessions.push(await speaker(port, `127.0.0.${101 + i}`, 64600 + i))
      return { routes: table.routes.length, messages: steady.length }
    },
    /** The table's prefixes and origins, for the clients' filters. */
    sample() {
      const rnd = random(3)
      const prefixes: string[] = []
      const origins: number[] = []
      const pairs: string[] = []
      for (let i = 0; i < 5000; i++) {
        const r = table!.routes[rnd.int(0, table!.routes.length - 1)]!
        prefixes.push(r.prefix)
        const segs = table!.paths[r.path]!.asPath
        const flat = segs.flatMap((s) => (s.type === 'AS_SEQUENCE' ? s.asns : []))
        if (flat.length) origins.push(flat[flat.length - 1]!)
        if (flat.length >= 3) pairs.push(`${flat[1]},${flat[2]}`)
      }
      return { prefixes, origins, pairs }
    },
    async steady(m) {
      const rate = m.rate as number
      const seconds = m.seconds as number
      const total = Math.round(rate * seconds)
      const start = performance.now()
      let sent = 0
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate))
        while (sent < due) {
          const s = sessions[sent % sessions.length]!
          s.write(steady[cursor++ % steady.length]!)
          sent++
        }
        await new Promise((r) => setTimeout(r, 2))
      }
      return { sent, seconds: (performance.now() - start) / 1000 }
    },
    prepare(m) {
      const scale = m.scale as number
      const t = synthTable({
        seed: 5,
        ipv4: Math.round(1_000_000 * scale),
        ipv6: Math.round(220_000 * scale),
      })
      full = synthUpdates(t).messages
      return { messages: full.length, prefixes: t.routes.length }
    },
    async burst() {
      if (!full) throw new Error('prepare first')
      burst ??= await speaker(port, '127.0.0.99', 64599)
      const start = performance.now()
      for (const msg of full) {
        if (!burst.write(msg)) await new Promise((r) => burst!.once('drain', r))
      }
      return { sent: full.length, seconds: (performance.now() - start) / 1000 }
    },
    close() {
      for (const s of sessions) s.destroy()
      burst?.destroy()
      sessions = []
      return {}
    },
  }
}

// --- the collector and the measurements ------------------------------------------------

function mix(
  n: number,
  sample: { prefixes: string[]; origins: number[]; pairs: string[] },
  seed: number,
): ClientSpec[] {
  const rnd = random(seed)
  const peers = Array.from({ length: 8 }, (_, i) => `127.0.0.${101 + i}`)
  const pick = <T>(list: readonly T[]) => list[rnd.int(0, list.length - 1)]!
  const out: ClientSpec[] = []
  for (let i = 0; i < n; i++) {
    const x = i === 0 ? 100 : rnd.int(1, 100)
    let sub: Record<string, unknown>
    if (x === 100) sub = { type: 'UPDATE' }
    else if (x <= 60) {
      const k = rnd.int(1, 5)
      sub = { prefix: Array.from({ length: k }, () => pick(sample.prefixes)) }
    } else if (x <= 80) sub = { path: `${pick(sample.origins)}$` }
    else if (x <= 90) sub = { peer: pick(peers), type: 'UPDATE' }
    else if (x <= 95) sub = { path: pick(sample.pairs) }
    else sub = { type: pick(['OPEN', 'NOTIFICATION', 'RIS_PEER_STATE']) }
    const o = rnd.int(1, 10)
    const options: Record<string, boolean> =
      o <= 7 ? {} : o <= 9 ? { includeRaw: true } : { includeAll: true }
    out.push({ sub, options })
  }
  return out
}

interface Phase {
  readonly events: number
  readonly delivered: number
  readonly bytes: number
  readonly seconds: number
  readonly latency: { p50Ms: number; p99Ms: number; maxMs: number; count: number }
  readonly client: { messages: number; latency: { p50Ms: number; p99Ms: number; maxMs: number } }
  readonly lag: { p50: number; p99: number; max: number }
  readonly cut: number
  readonly dropped: number
  /** CPU time of this (the collector's) process over the phase, as a share of one core. */
  readonly cpu: number
}

export const suite: BenchSuite = {
  summary: 'live feed: fan-out throughput, latency and event-loop lag with 1–1000 subscribers',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        subscribers: { type: 'string', default: '1,100,1000' },
        seconds: { type: 'string', default: '15' },
        rate: { type: 'string', default: '4400' },
        scale: { type: 'string', default: '1' },
        'no-deflate': { type: 'boolean', default: false },
      },
    })
    const counts = values.subscribers!.split(',').map(Number)
    const seconds = Number(values.seconds)
    const rate = Number(values.rate)
    const scale = Number(values.scale)
    const collector = createCollector(
      {
        host: 'rl-bench',
        asn: 65000,
        routerId: '192.0.2.254',
        bgpListen: [{ host: '127.0.0.1', port: 0 }],
        httpListen: { host: '127.0.0.1', port: 0 },
        dataDir: '/nonexistent',
        peers: [acceptPeer('127.0.0.0/8')],
        logLevel: 'warn',
        logFormat: 'text',
        live: { maxConnectionsPerAddress: 5000 },
      },
      { clock: systemClock(), logger: createLogger({ level: 'warn' }) },
    )
    const bound = await collector.start()
    const live = collector.live!
    const clients = startChild('clients')
    const feeder = startChild('feeder')
    const lag = monitorEventLoopDelay({ resolution: 5 })
    lag.enable()
    try {
      const setup = await feeder.call('setup', {
        port: bound.bgp[0]!.port,
        peers: 8,
        messages: Math.max(100_000, rate * seconds),
      })
      const table = await feeder.call('prepare', { scale })
      process.stderr.write(`live: feeder ready (${JSON.stringify({ setup, table })})\n`)
      const sample = await feeder.call<{ prefixes: string[]; origins: number[]; pairs: string[] }>('sample')
      const url = `ws://127.0.0.1:${bound.http!.port}/v1/ws/?client=bench`

      const measure = async (run: () => Promise<{ seconds: number }>): Promise<Phase> => {
        await live.drainedQueue()
        await clients.call('reset')
        live.resetLatency()
        const before = live.stats()
        lag.reset()
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        await run()
        await live.drainedQueue()
        // Let the last frames reach the clients.
        await new Promise((r) => setTimeout(r, 500))
        const cpu = process.cpuUsage(cpu0)
        const elapsed = (performance.now() - t0 - 500) / 1000
        const after = live.stats()
        const c = await clients.call<Phase['client']>('report')
        return {
          events: after.events - before.events,
          delivered: after.delivered - before.delivered,
          bytes: after.deliveredBytes - before.deliveredBytes,
          seconds: elapsed,
          latency: after.latency,
          client: c,
          lag: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
          cut: after.slowConsumers - before.slowConsumers,
          dropped: after.queue.dropped - before.queue.dropped,
          cpu: (cpu.user + cpu.system) / 1e6 / (elapsed + 0.5),
        }
      }

      const emit = (tag: string, p: Phase, n: number) => {
        const base = { suite: 'live', subscribers: n }
        const fig: [string, number, string][] = [
          ['updates/s', p.events / p.seconds, '/s'],
          ['frames sent/s', p.delivered / p.seconds, '/s'],
          ['MiB sent/s', p.bytes / p.seconds / 1048576, 'MiB/s'],
          ['latency p50 (receipt → ws send)', p.latency.p50Ms, 'ms'],
          ['latency p99 (receipt → ws send)', p.latency.p99Ms, 'ms'],
          ['client-side latency p50', p.client.latency.p50Ms, 'ms'],
          ['client-side latency p99', p.client.latency.p99Ms, 'ms'],
          ['event-loop lag p50', p.lag.p50, 'ms'],
          ['event-loop lag p99', p.lag.p99, 'ms'],
          ['event-loop lag max', p.lag.max, 'ms'],
          ['slow consumers cut', p.cut, 'sockets'],
          ['bus queue drops', p.dropped, 'events'],
          ['collector CPU (share of one core)', p.cpu, 'cores'],
        ]
        for (const [name, value, unit] of fig) {
          report({ ...base, name: `${tag} n=${n} ${name}`, value: Math.round(value * 1000) / 1000, unit })
        }
      }

      report({ suite: 'live', name: 'machine load average (1 min) at start', value: loadavg()[0]!, unit: '' })
      let warm = false
      for (const n of counts) {
        await clients.call('connect', { url, specs: mix(n, sample, n), deflate: !values['no-deflate'] })
        await new Promise((r) => setTimeout(r, 300))
        if (!warm) {
          // The first seconds carry JIT compilation and the RIB's first growth: not measured.
          process.stderr.write('live: warming up for 5 s\n')
          await feeder.call('steady', { rate, seconds: 5 })
          await live.drainedQueue()
          warm = true
        }
        process.stderr.write(`live: ${n} subscribers, steady ${rate}/s for ${seconds} s\n`)
        emit(
          'steady',
          await measure(() => feeder.call('steady', { rate, seconds }) as Promise<{ seconds: number }>),
          n,
        )
        process.stderr.write(`live: ${n} subscribers, full-table burst\n`)
        emit('burst', await measure(() => feeder.call('burst') as Promise<{ seconds: number }>), n)
        await clients.call('close')
      }
      report({ suite: 'live', name: 'machine load average (1 min) at end', value: loadavg()[0]!, unit: '' })
    } finally {
      lag.disable()
      await feeder.call('close').catch(() => ({}))
      await clients.stop()
      await feeder.stop()
      await collector.stop('bench over')
    }
  },
}
