// `npm run bench -- ingest`: how fast a receiver takes in full tables, and
// what each path costs it in memory — Routelake, and in the same run BIRD 2
// and GoBGP as receivers of the very same feed, so that the figures are
// ratios on this machine rather than absolute numbers.
//
// The feed: a synthetic full table (tools/synth/table.ts through `routelake
// synth`: ≈1.0M IPv4 + ≈0.22M IPv6 prefixes by default, four MRT peers with
// differing paths), cached between runs. The feeder is `routelake replay
// --preload` in its own process: it encodes the whole table first, then
// writes it at wire speed, so the receiver is what is measured. One run with
// one peer, one with four at once (one session per MRT peer).
//
// Figures per receiver and peer count: seconds from the first session's
// Established to the last End-of-RIB (Routelake: its own timestamps; BIRD
// and GoBGP: polling their CLIs' per-neighbour import counters, every 50 ms
// and 200 ms), prefixes
// per second, peak RSS, and RSS bytes per path (RSS after the load minus RSS
// before it, over the paths held); for Routelake also heap bytes per path and
// the event loop's delay while loading. Then the ratios.
//
// Options: --scale F (table size factor, default 1), --peers LIST (default
// 1,4), --receivers LIST (routelake,bird,gobgp; default all that are
// installed), --cache DIR, --timeout SECONDS (per measurement, default 300).

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '../collector/test-support/testdata.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { report } from './report.ts'

const CLI = join(repoRoot, 'bin/routelake.js')
const FEEDER_BASE = '127.0.0.61'
const FEEDER_AS = 64500
const MIB = 1024 * 1024

const BINARIES = {
  bird: { daemon: '/usr/sbin/bird', cli: '/usr/sbin/birdc', pkg: 'bird2' },
  gobgp: { daemon: '/usr/bin/gobgpd', cli: '/usr/bin/gobgp', pkg: 'gobgpd' },
} as const

type ReceiverName = 'routelake' | 'bird' | 'gobgp'

interface Measurement {
  readonly receiver: ReceiverName
  readonly peers: number
  readonly seconds: number
  readonly paths: number
  readonly peakRss: number
  readonly bytesPerPath: number
  readonly extra?: Readonly<Record<string, number>>
}

function log(line: string): void {
  process.stderr.write(`ingest: ${line}\n`)
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => res(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((res, rej) =>
    execFile(file, args, { timeout: 10_000 }, (e, out, err) =>
      e ? rej(new Error(`${file}: ${e.message} ${err}`)) : res(out),
    ),
  )
}

function vm(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

function address(base: string, n: number): string {
  const parts = base.split('.').map(Number)
  parts[3]! += n
  return parts.join('.')
}

interface Child {
  readonly child: ChildProcess
  output(): string
  /** Resolves with the first stdout line matching. */
  line(re: RegExp, timeoutMs: number): Promise<string>
  stop(): Promise<void>
}

/** Every process this suite started and has not stopped: stopped on SIGINT/SIGTERM too. */
const running = new Set<Child>()

function start(command: string, args: string[], cwd?: string): Child {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
    detached: true,
  })
  let out = ''
  let err = ''
  const waiters: (() => void)[] = []
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    for (const w of waiters.splice(0)) w()
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
    for (const w of waiters.splice(0)) w()
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const self: Child = {
    child,
    output: () => out + err,
    async line(re, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const m = (out + err).split('\n').find((l) => re.test(l))
        if (m) return m
        if (child.exitCode !== null) throw new Error(`${command} exited:\n${(out + err).slice(-2000)}`)
        if (Date.now() > deadline)
          throw new Error(`${command}: timed out waiting for ${re}\n${(out + err).slice(-2000)}`)
        await new Promise<void>((r) => {
          const t = setTimeout(r, 200)
          waiters.push(() => {
            clearTimeout(t)
            r()
          })
        })
      }
    },
    async stop() {
      running.delete(self)
      if (child.exitCode !== null || !child.pid) return
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        return
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // gone
        }
      }, 5000)
      await exited
      clearTimeout(t)
    },
  }
  running.add(self)
  return self
}

/** The feeder: replay --preload, one session per MRT peer used. */
function feeder(file: string, port: number, peers: number): Child {
  return start(process.execPath, [
    CLI,
    'replay',
    file,
    '--connect',
    `127.0.0.1:${port}`,
    '--local-as',
    String(FEEDER_AS),
    '--peer',
    peers === 1 ? '0' : 'all',
    '--local-address',
    FEEDER_BASE,
    '--preload',
    // A receiver busy with a table must not lose the session to a short hold time.
    '--hold-time',
    '240',
  ])
}

/** Throws if a feeder session went down: the measurement would never finish. */
function checkFeeder(f: Child): void {
  if (/ info {2}session .*from=Established to=Idle/.test(f.output())) {
    throw new Error(`a feeder session went down:\n${f.output().slice(-1500)}`)
  }
}

/** Wall-clock times (ms) at which the feeder's sessions were established. */
function establishedTimes(f: Child): number[] {
  return f
    .output()
    .split('\n')
    .filter((l) => / info {2}session .*to=Established/.test(l))
    .map((l) => Date.parse(l.slice(0, 24)))
}

async function waitUntil(
  what: string,
  cond: () => Promise<boolean> | boolean,
  timeoutMs: number,
  pollMs: number,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return Date.now()
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, pollMs))
  }
}

// --- receivers -----------------------------------------------------------------------

async function routelake(
  file: string,
  peers: number,
  prefixes: number,
  timeoutMs: number,
): Promise<Measurement> {
  const port = await freePort()
  const r = start(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(repoRoot, 'bench/ingest-receiver.ts'),
      String(port),
      String(peers),
    ],
    repoRoot,
  )
  try {
    await r.line(/"ready":true/, 30_000)
    const f = feeder(file, port, peers)
    try {
      const line = await r.line(/"peers":\[/, timeoutMs)
      const res = JSON.parse(line) as {
        peers: { establishedAt: number; endOfRibAt: number; paths: number }[]
        paths: number
        peakRss: number
        rss: number
        heapUsed: number
        external: number
        baseline: { rss: number; heap: number }
        loopDelayMs: { p50: number; p99: number; max: number }
        attributeSets: number
      }
      const first = Math.min(...res.peers.map((p) => p.establishedAt))
      const last = Math.max(...res.peers.map((p) => p.endOfRibAt))
      if (res.paths !== prefixes * peers)
        throw new Error(`routelake holds ${res.paths} paths, expected ${prefixes * peers}`)
      return {
        receiver: 'routelake',
        peers,
        seconds: (last - first) / 1000,
        paths: res.paths,
        peakRss: res.peakRss,
        bytesPerPath: (res.rss - res.baseline.rss) / res.paths,
        extra: {
          heapBytesPerPath: (res.heapUsed - res.baseline.heap) / res.paths,
          loopDelayP99Ms: res.loopDelayMs.p99,
          loopDelayMaxMs: res.loopDelayMs.max,
          attributeSets: res.attributeSets,
        },
      }
    } finally {
      await f.stop()
    }
  } finally {
    await r.stop()
  }
}

function birdConfig(port: number, peers: number): string {
  const protocols = Array.from(
    { length: peers },
    (_, i) => `protocol bgp feeder${i} from feeders { neighbor ${address(FEEDER_BASE, i)} as ${FEEDER_AS}; }`,
  ).join('\n')
  return `router id 192.0.2.254;
protocol device {}
template bgp feeders {
  local 127.0.0.1 port ${port} as 65000;
  multihop;
  passive on;
  hold time 240;
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
${protocols}
`
}

async function bird(file: string, peers: number, prefixes: number, timeoutMs: number): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-bird-'))
  const port = await freePort()
  writeFileSync(join(dir, 'bird.conf'), birdConfig(port, peers))
  const sock = join(dir, 'bird.ctl')
  const b = start(BINARIES.bird.daemon, [
    '-f',
    '-c',
    join(dir, 'bird.conf'),
    '-s',
    sock,
    '-P',
    join(dir, 'bird.pid'),
  ])
  try {
    await waitUntil('BIRD', () => existsSync(sock), 10_000, 50)
    const baseline = vm(b.child.pid!, 'VmRSS')
    const f = feeder(file, port, peers)
    try {
      let routes = 0
      // The protocols' import counters: `show route count` walks the table, and polling it would slow BIRD down.
      const done = await waitUntil(
        'BIRD to hold the tables',
        async () => {
          checkFeeder(f)
          const out = await run(BINARIES.bird.cli, ['-s', sock, 'show', 'protocols', 'all']).catch(() => '')
          routes = [...out.matchAll(/Routes:\s+(\d+) imported/g)].reduce((n, m) => n + Number(m[1]), 0)
          return routes >= prefixes * peers
        },
        timeoutMs,
        50,
      )
      const first = Math.min(...establishedTimes(f))
      const pid = b.child.pid!
      return {
        receiver: 'bird',
        peers,
        seconds: (done - first) / 1000,
        paths: routes,
        peakRss: vm(pid, 'VmHWM'),
        bytesPerPath: (vm(pid, 'VmRSS') - baseline) / routes,
      }
    } finally {
      await f.stop()
    }
  } finally {
    await b.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

function gobgpConfig(port: number, peers: number): string {
  const neighbors = Array.from(
    { length: peers },
    (_, i) => `[[neighbors]]
  [neighbors.config]
    neighbor-address = "${address(FEEDER_BASE, i)}"
    peer-as = ${FEEDER_AS}
  [neighbors.transport.config]
    passive-mode = true
  [neighbors.timers.config]
    hold-time = 240
  [neighbors.ebgp-multihop.config]
    enabled = true
    multihop-ttl = 5
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`,
  ).join('\n')
  return `[global.config]
  as = 65000
  router-id = "192.0.2.254"
  port = ${port}
  local-address-list = ["127.0.0.1"]

${neighbors}`
}

async function gobgp(file: string, peers: number, prefixes: number, timeoutMs: number): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-gobgp-'))
  const port = await freePort()
  const api = await freePort()
  writeFileSync(join(dir, 'gobgpd.toml'), gobgpConfig(port, peers))
  const g = start(BINARIES.gobgp.daemon, [
    '-f',
    join(dir, 'gobgpd.toml'),
    '--api-hosts',
    `127.0.0.1:${api}`,
    '-l',
    'warn',
    '--disable-stdlog',
  ])
  const cli = (...args: string[]) => run(BINARIES.gobgp.cli, ['-u', '127.0.0.1', '-p', String(api), ...args])
  try {
    await waitUntil(
      'gobgpd',
      async () =>
        cli('global').then(
          () => true,
          () => false,
        ),
      15_000,
      200,
    )
    const baseline = vm(g.child.pid!, 'VmRSS')
    const f = feeder(file, port, peers)
    try {
      let paths = 0
      // The neighbours' counters (Accepted), cheap to read while gobgpd is busy; a slow answer is no answer.
      const done = await waitUntil(
        'gobgpd to hold the tables',
        async () => {
          checkFeeder(f)
          const out = await cli('neighbor').catch(() => '')
          paths = out
            .split('\n')
            .map((l) => /\|\s*(\d+)\s+(\d+)\s*$/.exec(l))
            .reduce((n, m) => n + (m ? Number(m[2]) : 0), 0)
          return paths >= prefixes * peers
        },
        timeoutMs,
        200,
      )
      const first = Math.min(...establishedTimes(f))
      const pid = g.child.pid!
      return {
        receiver: 'gobgp',
        peers,
        seconds: (done - first) / 1000,
        paths,
        peakRss: vm(pid, 'VmHWM'),
        bytesPerPath: (vm(pid, 'VmRSS') - baseline) / paths,
      }
    } finally {
      await f.stop()
    }
  } finally {
    await g.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

// --- the suite ---------------------------------------------------------------------------

async function feed(cache: string, scale: number): Promise<{ file: string; prefixes: number }> {
  const ipv4 = Math.round(1_000_000 * scale)
  const ipv6 = Math.round(220_000 * scale)
  mkdirSync(cache, { recursive: true })
  const file = join(cache, `synth-${ipv4}-${ipv6}-4peers.mrt`)
  if (!existsSync(file)) {
    log(`writing the feed ${file} (routelake synth, once; cached)`)
    const s = start(process.execPath, [
      CLI,
      'synth',
      '--out',
      `${file}.tmp`,
      '--ipv4',
      String(ipv4),
      '--ipv6',
      String(ipv6),
      '--peers',
      '4',
    ])
    await new Promise<void>((res, rej) =>
      s.child.once('exit', (code) => (code === 0 ? res() : rej(new Error(`synth failed:\n${s.output()}`)))),
    )
    const { renameSync } = await import('node:fs')
    renameSync(`${file}.tmp`, file)
  }
  return { file, prefixes: ipv4 + ipv6 }
}

function available(r: ReceiverName): boolean {
  if (r === 'routelake') return true
  const b = BINARIES[r]
  if (existsSync(b.daemon) && existsSync(b.cli)) return true
  const msg = `${b.daemon} not found: install the Debian package '${b.pkg}' to compare with it`
  if (process.env.CI === 'true') throw new Error(msg)
  log(`!!! SKIPPED ${r}: ${msg}`)
  return false
}

const RECEIVERS: Record<ReceiverName, typeof routelake> = { routelake, bird, gobgp }

export const suite: BenchSuite = {
  summary: 'full-table ingest: time to End-of-RIB, prefixes/s, memory per path, against BIRD and GoBGP',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '1,4' },
        receivers: { type: 'string', default: 'routelake,bird,gobgp' },
        cache: { type: 'string', default: join(tmpdir(), 'routelake-bench') },
        timeout: { type: 'string', default: '300' },
      },
    })
    const scale = Number(values.scale)
    const timeoutMs = Number(values.timeout) * 1000
    const receivers = values.receivers
      .split(',')
      .map((r) => r.trim() as ReceiverName)
      .filter((r) => RECEIVERS[r] && available(r))
    const counts = values.peers.split(',').map(Number)
    const stopAll = () => {
      void Promise.all([...running].map((c) => c.stop())).then(() => process.exit(130))
    }
    process.once('SIGINT', stopAll)
    process.once('SIGTERM', stopAll)
    const { file, prefixes } = await feed(resolve(values.cache), scale)
    log(`feed: ${prefixes} prefixes per peer from ${file}`)
    const results: Measurement[] = []
    for (const peers of counts) {
      for (const r of receivers) {
        log(`${r}, ${peers} peer(s)…`)
        try {
          const m = await RECEIVERS[r](file, peers, prefixes, timeoutMs)
          results.push(m)
          const base = { suite: 'ingest', receiver: r, peers, prefixes: prefixes * peers }
          report({ ...base, name: `${r} ${peers}p time to End-of-RIB`, value: m.seconds, unit: 's' })
          report({
            ...base,
            name: `${r} ${peers}p prefixes/s`,
            value: m.paths / m.seconds,
            unit: 'prefixes/s',
          })
          report({ ...base, name: `${r} ${peers}p peak RSS`, value: m.peakRss / MIB, unit: 'MiB' })
          report({ ...base, name: `${r} ${peers}p RSS bytes/path`, value: m.bytesPerPath, unit: 'B/path' })
          if (m.extra) {
            report({
              ...base,
              name: `${r} ${peers}p heap bytes/path`,
              value: m.extra.heapBytesPerPath!,
              unit: 'B/path',
            })
            report({
              ...base,
              name: `${r} ${peers}p event loop delay p99`,
              value: m.extra.loopDelayP99Ms!,
              unit: 'ms',
            })
            report({
              ...base,
              name: `${r} ${peers}p event loop delay max`,
              value: m.extra.loopDelayMaxMs!,
              unit: 'ms',
            })
          }
        } catch (e) {
          log(`${r}, ${peers} peer(s) failed: ${(e as Error).message}`)
        }
      }
      const ours = results.find((m) => m.receiver === 'routelake' && m.peers === peers)
      for (const other of results.filter((m) => m.receiver !== 'routelake' && m.peers === peers)) {
        if (!ours) continue
        const base = { suite: 'ingest', peers, versus: other.receiver }
        report({
          ...base,
          name: `time ratio routelake/${other.receiver} ${peers}p`,
          value: ours.seconds / other.seconds,
          unit: 'x',
        })
        report({
          ...base,
          name: `bytes/path ratio routelake/${other.receiver} ${peers}p`,
          value: ours.bytesPerPath / other.bytesPerPath,
          unit: 'x',
        })
        report({
          ...base,
          name: `peak RSS ratio routelake/${other.receiver} ${peers}p`,
          value: ours.peakRss / other.peakRss,
          unit: 'x',
        })
      }
    }
  },
}
