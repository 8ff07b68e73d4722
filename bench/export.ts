// `npm run bench -- export`: the exporters on an Adj-RIB-In of 4 synthetic
// full-table peers (tools/synth/table.ts: ≈1.0M IPv4 + ≈0.22M IPv6 prefixes
// each, loaded as a session would: decode, routes, Rib.apply):
//
//   mrt rib dump   the RIB as a bview file (TABLE_DUMP_V2, gzip, the mrt-dump
//                  sink's writer): prefixes/s and RIB entries/s, the file's
//                  size, and bgpdump -m reading the same file back (the
//                  independent reference, a ratio rather than a number);
//                  then once more uncompressed, the encoding alone;
//   bmp dump       the initial dump of a BMP station connection to pmacct's
//                  pmbmpd (Debian pmacct, started here; it parses every
//                  message and keeps the routes): routes/s and octets/s from
//                  connect to the last octet handed to the socket.
//
// Both must leave the event loop free (they work in slices): the event
// loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) during
// each is reported as max and p99, beside the same figures for 3 s of
// doing nothing in the same process (GC and the machine's other load).
// Options: --scale F (table size factor, default 1), --peers N (default 4),
// --gzip N (level, default 6; 0: uncompressed only), --no-bmp, --pmbmpd-log (pmbmpd also writes
// every route as a JSON line, to /dev/null).

import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import {
  codecContext,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type OpenMessage,
  type UpdateMessage,
  updateRoutes,
} from '../collector/src/bgp/index.ts'
import { EventBus } from '../collector/src/events/index.ts'
import { silentLogger } from '../collector/src/log/logger.ts'
import { MrtOutput } from '../collector/src/mrt/index.ts'
import { createRib, type Rib } from '../collector/src/rib/index.ts'
import { type PeerView, systemClock } from '../collector/src/session/index.ts'
import { BmpExporter } from '../collector/src/sinks/bmp-export/index.ts'
import { ParallelGzip } from '../collector/src/sinks/mrt-dump/gzip.ts'
import { dumpRib } from '../collector/src/sinks/mrt-dump/index.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report } from './report.ts'

const address = (k: number) => `192.0.2.${k + 1}`

function load(peers: number, scale: number): Rib {
  const rib = createRib()
  const ctx = codecContext()
  for (let k = 0; k < peers; k++) {
    const table = synthTable({
      ipv4: Math.round(1_000_000 * scale),
      ipv6: Math.round(220_000 * scale),
      peerAs: 64500 + k,
    })
    const peer = rib.peer(address(k))
    for (const m of synthUpdates(table).messages) {
      const d = decodeMessage(m, ctx)
      rib.apply(peer, updateRoutes(d.message as UpdateMessage, d.problems, ctx), m, ctx)
    }
    process.stderr.write(`export: peer ${k + 1} of ${peers} loaded\n`)
  }
  return rib
}

/** Event-loop delay while fn runs: max and p99, in ms. */
async function lagDuring<T>(fn: () => Promise<T>): Promise<{ result: T; maxMs: number; p99Ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  try {
    const result = await fn()
    return { result, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 }
  } finally {
    h.disable()
  }
}

function timed(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] })
    c.on('error', reject)
    c.on('exit', (code) =>
      code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`${cmd} exited ${code}`)),
    )
  })
}

async function mrtFigures(rib: Rib, dir: string, gzipLevel: number, peers: number): Promise<void> {
  const file = join(dir, gzipLevel > 0 ? 'bview.gz' : 'bview')
  const stream = createWriteStream(file)
  const out = new MrtOutput(gzipLevel > 0 ? new ParallelGzip(stream, gzipLevel) : stream, { gzip: false })
  const t0 = performance.now()
  const { result, maxMs, p99Ms } = await lagDuring(async () => {
    const r = await dumpRib(out, {
      rib,
      timestamp: Math.floor(Date.now() / 1000),
      collectorBgpId: '192.0.2.254',
      peerInfo: (a) => ({ asn: 64500 + Number(a.split('.')[3]) - 1, bgpId: a }),
      pause: async () => {
        await out.drain()
        await nextTurn()
      },
    })
    await out.close()
    return r
  })
  const seconds = (performance.now() - t0) / 1000
  const base = { suite: 'export', peers, gzipLevel, prefixes: result.prefixes, entries: result.entries }
  const how = gzipLevel > 0 ? `gzip -${gzipLevel}` : 'plain'

  report({
    ...base,
    name: `mrt rib dump ${peers} peers, ${how}, prefixes/s`,
    value: result.prefixes / seconds,
    unit: 'prefixes/s',
  })
  report({
    ...base,
    name: `mrt rib dump ${peers} peers, ${how}, entries/s`,
    value: result.entries / seconds,
    unit: 'entries/s',
  })
  report({ ...base, name: `mrt rib dump, ${how}, time`, value: seconds, unit: 's' })
  report({
    ...base,
    name: `mrt rib dump, ${how}, file size`,
    value: statSync(file).size / 2 ** 20,
    unit: 'MiB',
  })
  report({ ...base, name: `mrt rib dump, ${how}, event-loop delay max`, value: maxMs, unit: 'ms' })
  report({ ...base, name: `mrt rib dump, ${how}, event-loop delay p99`, value: p99Ms, unit: 'ms' })
  if (gzipLevel > 0 && existsSync('/usr/bin/bgpdump')) {
    const read = await timed('/usr/bin/bgpdump', ['-m', '-O', '/dev/null', file])
    report({ ...base, name: 'bgpdump -m reading the dump', value: read, unit: 's' })
    report({ ...base, name: 'our dump time / bgpdump read time', value: seconds / read, unit: 'ratio' })
  }
}

function open(asn: number, bgpId: string): Uint8Array {
  const o: OpenMessage = {
    type: 'OPEN',
    version: 4,
    asn: asn > 0xffff ? 23456 : asn,
    holdTime: 90,
    bgpId,
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
  return encodeMessage(o, DEFAULT_CONTEXT)
}

async function bmpFigures(rib: Rib, dir: string, peers: number, log: boolean): Promise<void> {
  if (!existsSync('/usr/sbin/pmbmpd')) {
    process.stderr.write('export: /usr/sbin/pmbmpd not found (Debian package pmacct): no BMP figures\n')
    return
  }
  const port = 20000 + Math.floor(Math.random() * 20000)
  const conf = join(dir, 'pmbmpd.conf')
  writeFileSync(
    conf,
    [
      'bmp_daemon_ip: 127.0.0.1',
      `bmp_daemon_port: ${port}`,
      ...(log ? ['bmp_daemon_msglog_file: /dev/null', 'bmp_daemon_msglog_output: json'] : []),
      '',
    ].join('\n'),
  )
  const pm = spawn('/usr/sbin/pmbmpd', ['-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    let out = ''
    pm.stderr!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    pm.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const deadline = Date.now() + 10_000
    while (!/waiting for BMP data/.test(out)) {
      if (Date.now() > deadline) throw new Error(`pmbmpd did not start: ${out}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const bus = new EventBus()
    const view = (a: string) =>
      ({
        address: a,
        routerId: a,
        localAddress: '192.0.2.254',
        localPort: 179,
        remotePort: 40000,
        negotiated: { asn4: true, families: ['ipv4-unicast', 'ipv6-unicast'], addPath: [] },
      }) as unknown as PeerView
    const bmp = new BmpExporter(
      {
        stations: [{ host: '127.0.0.1', port }],
        sysName: 'rl-bench',
        sysDescr: 'Routelake bench',
        statsIntervalMs: 0,
      },
      { bus, rib, clock: systemClock(), logger: silentLogger, peer: view },
    )
    // The peers' sessions as the exporter learns them: both OPENs, then Established.
    for (let k = 0; k < peers; k++) {
      const origin = {
        host: 'rl-bench',
        peerAddress: address(k),
        peerAsn: 64500 + k,
        localAsn: 65000,
        sequence: 0,
      }
      for (const [direction, raw] of [
        ['sent', open(65000, '192.0.2.254')],
        ['received', open(64500 + k, address(k))],
      ] as const)
        bus.publish({
          type: 'message',
          ...origin,
          timestamp: Date.now() * 1000,
          direction,
          raw,
          message: undefined,
          context: DEFAULT_CONTEXT,
          problems: [],
        })
      bus.publish({
        type: 'state',
        ...origin,
        timestamp: Date.now() * 1000,
        from: 'OpenConfirm',
        to: 'Established',
      })
    }
    const t0 = performance.now()
    const { maxMs, p99Ms } = await lagDuring(async () => {
      bmp.start()
      for (;;) {
        const s = bmp.stats().stations[0]!
        if (s.lastDump && s.queuedBytes === 0) return
        await new Promise((r) => setTimeout(r, 5))
      }
    })
    const seconds = (performance.now() - t0) / 1000
    const s = bmp.stats().stations[0]!
    await bmp.stop()
    const base = {
      suite: 'export',
      peers,
      routes: s.lastDump!.routes,
      messages: s.lastDump!.messages,
      pmbmpdLog: log,
    }
    report({
      ...base,
      name: `bmp initial dump ${peers} peers to pmbmpd routes/s`,
      value: s.lastDump!.routes / seconds,
      unit: 'routes/s',
    })
    report({
      ...base,
      name: 'bmp initial dump octets/s',
      value: s.lastDump!.bytes / seconds / 2 ** 20,
      unit: 'MiB/s',
    })
    report({ ...base, name: 'bmp initial dump time', value: seconds, unit: 's' })
    report({ ...base, name: 'bmp initial dump event-loop delay max', value: maxMs, unit: 'ms' })
    report({ ...base, name: 'bmp initial dump event-loop delay p99', value: p99Ms, unit: 'ms' })
  } finally {
    pm.kill('SIGKILL')
  }
}

export const suite: BenchSuite = {
  summary:
    'MRT RIB dump and BMP initial dump of a 4-peer full-table RIB, with the event-loop delay meanwhile',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '4' },
        gzip: { type: 'string', default: '6' },
        'no-bmp': { type: 'boolean', default: false },
        'pmbmpd-log': { type: 'boolean', default: false },
      },
    })
    const peers = Number(values.peers)
    const dir = mkdtempSync(join(tmpdir(), 'routelake-bench-export-'))
    try {
      process.stderr.write(`export: loading ${peers} synthetic full table(s), scale ${values.scale}\n`)
      const rib = load(peers, Number(values.scale))
      // The noise floor: the same process and heap, doing nothing, for 3 s.
      const idle = await lagDuring(() => new Promise((r) => setTimeout(r, 3000)))
      report({ suite: 'export', peers, name: 'idle event-loop delay max', value: idle.maxMs, unit: 'ms' })
      report({ suite: 'export', peers, name: 'idle event-loop delay p99', value: idle.p99Ms, unit: 'ms' })
      await mrtFigures(rib, dir, Number(values.gzip), peers)
      // The same without compression: what the encoding alone costs.
      if (Number(values.gzip) > 0) await mrtFigures(rib, dir, 0, peers)
      if (!values['no-bmp']) await bmpFigures(rib, dir, peers, values['pmbmpd-log'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
